using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Agents.Updates;

/// <summary>
/// One policy-gradient update: given the batch and its policy gradient g = Ê[Â ∇θ log π], move θ.
/// Vanilla, natural and trust-region steps are three implementations. Fail-safe: when the step cannot be
/// trusted (non-finite gradient or direction, curvature ≤ 0, no acceptable line-search step) θ is left exactly
/// as it was and <see cref="UpdateResult.Accepted"/> is false with the reason.
/// </summary>
public interface IPolicyUpdate : ISnapshotable
{
    UpdateResult Update(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient);
}

/// <summary>What an update did, for the log. NaN marks "not applicable" (written as an empty CSV cell).</summary>
/// <param name="StepSize">The scalar α actually applied to the direction (0 when rejected).</param>
/// <param name="CgIterations">Iterations of the iterative solver (0 when none ran).</param>
/// <param name="CgResidual">Final residual norm ‖(F + λI)s − g‖ of the solver (NaN when none ran).</param>
/// <param name="LineSearchSteps">Backtracking steps taken before acceptance (0 = full step; trpo only).</param>
/// <param name="Rejection">Why θ was left unchanged, or null.</param>
/// <param name="Damping">λ of the Fisher solve (NaN when no solve ran: vpg, or a refusal before it).</param>
public readonly record struct UpdateResult(
    bool Accepted, double StepSize, int CgIterations, double CgResidual, int LineSearchSteps, string? Rejection,
    double Damping = double.NaN)
{
    public static UpdateResult Rejected(string why, int cgIterations = 0, double cgResidual = double.NaN, int lineSearchSteps = 0) =>
        new(false, 0, cgIterations, cgResidual, lineSearchSteps, why);
}

/// <summary>Vector helpers for the updates.</summary>
internal static class Vec
{
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++) s += a[k] * b[k];
        return s;
    }

    public static bool AllFinite(ReadOnlySpan<double> a)
    {
        foreach (var x in a) if (!double.IsFinite(x)) return false;
        return true;
    }

    /// <summary>y = x + α d.</summary>
    public static void Axpy(ReadOnlySpan<double> x, double alpha, ReadOnlySpan<double> d, Span<double> y)
    {
        for (int k = 0; k < x.Length; k++) y[k] = x[k] + alpha * d[k];
    }
}
