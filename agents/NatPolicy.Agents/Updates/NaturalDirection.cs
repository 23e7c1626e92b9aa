using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Agents.Updates;

/// <summary>
/// The natural-gradient direction s ≈ (F + λI)⁻¹ g for the current batch (Kakade 2002; Amari 1998), with the
/// quantities the step rules need: gᵀs and sᵀ(F + λI)s.
/// </summary>
public interface INaturalDirection
{
    DirectionResult Compute(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient, Span<double> direction);
}

/// <summary>A natural direction whose damping λ can be changed between iterations (by <see cref="LevenbergMarquardtUpdate"/>).</summary>
public interface IDampedDirection : INaturalDirection
{
    /// <summary>λ ≥ 0 of the next <see cref="INaturalDirection.Compute"/>.</summary>
    double Damping { get; set; }
}

/// <summary>The checks every natural-gradient step makes before it moves θ.</summary>
public static class NaturalDirections
{
    /// <summary>
    /// Computes s into <paramref name="direction"/> and returns null when it can be used, or the rejection to report:
    /// a non-finite gradient, a failed solve, or curvature sᵀ(F + λI)s ≤ 0.
    /// </summary>
    public static UpdateResult? TryCompute(this INaturalDirection source, IPolicy policy, RolloutBuffer batch,
        ReadOnlySpan<double> gradient, Span<double> direction, out DirectionResult result)
    {
        result = default;
        if (!Vec.AllFinite(gradient)) return UpdateResult.Rejected("non-finite gradient");
        result = source.Compute(policy, batch, gradient, direction);
        if (!result.Ok) return UpdateResult.Rejected(result.Problem ?? "no natural direction", result.Iterations, result.Residual);
        if (!(result.Curvature > 0))
            return UpdateResult.Rejected($"curvature sᵀ(F + λI)s = {Fmt.G(result.Curvature)} ≤ 0", result.Iterations, result.Residual);
        return null;
    }
}

/// <param name="Ok">False when the direction must not be used (see <paramref name="Problem"/>).</param>
/// <param name="Iterations">Solver iterations (0 for a direct solver).</param>
/// <param name="Residual">‖(F + λI)s − g‖.</param>
/// <param name="Curvature">sᵀ(F + λI)s = gᵀs (for an exact solve), what the step rules normalise by; the quadratic model of
/// 2·KL along s is sᵀFs, smaller by λ‖s‖².</param>
/// <param name="Shrink">Factor ∈ [0, 1] the step rules multiply their step by (1: the papers' step; see <see cref="FisherDirection"/>).</param>
/// <param name="Damping">The λ of the solve (NaN when the direction has none).</param>
public readonly record struct DirectionResult(bool Ok, int Iterations, double Residual, double Curvature, string? Problem, double Shrink = 1.0,
    double Damping = double.NaN);
