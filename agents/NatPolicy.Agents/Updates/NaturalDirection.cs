using NatPolicy.Agents.Training;

namespace NatPolicy.Agents.Updates;

/// <summary>
/// The natural-gradient direction s ≈ (F + λI)⁻¹ g for the current batch (Kakade 2002; Amari 1998), with the
/// quantities the step rules need: gᵀs and sᵀ(F + λI)s.
/// </summary>
public interface INaturalDirection
{
    DirectionResult Compute(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient, Span<double> direction);
}

/// <param name="Ok">False when the direction must not be used (see <paramref name="Problem"/>).</param>
/// <param name="Iterations">Solver iterations (0 for a direct solver).</param>
/// <param name="Residual">‖(F + λI)s − g‖.</param>
/// <param name="Curvature">sᵀ(F + λI)s, the quadratic model of 2·KL along s.</param>
public readonly record struct DirectionResult(bool Ok, int Iterations, double Residual, double Curvature, string? Problem);
