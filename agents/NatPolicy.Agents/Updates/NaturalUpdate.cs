using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Agents.Updates;

/// <summary>
/// Kakade's natural policy gradient: θ ← θ + α s with s = (F + λI)⁻¹ g and the normalised step
/// α = sqrt(2δ / sᵀ(F + λI)s) = sqrt(2δ / gᵀs) (the damping included, as rllab and OpenAI baselines do),
/// multiplied by the direction's shrink factor (1 unless noise shrinkage is on; 0 leaves θ unchanged).
/// The quadratic KL model ½α²sᵀFs then moves by δ·sᵀFs / sᵀ(F + λI)s: exactly δ when λ = 0, slightly less when
/// λ &gt; 0, and much less when s leans on directions whose Fisher eigenvalue is below λ.
/// </summary>
public sealed class NaturalUpdate : IPolicyUpdate
{
    private readonly INaturalDirection _direction;
    private readonly double _maxKl;
    private readonly double[] _s;
    private readonly double[] _theta;

    /// <param name="direction">How s is computed (Fisher estimator + solver).</param>
    /// <param name="maxKl">δ of the normalised step.</param>
    public NaturalUpdate(int parameterCount, INaturalDirection direction, double maxKl)
    {
        _direction = direction;
        _maxKl = maxKl;
        _s = new double[parameterCount];
        _theta = new double[parameterCount];
    }

    public UpdateResult Update(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient)
    {
        if (_direction.TryCompute(policy, batch, gradient, _s, out var d) is { } rejected) return rejected;
        double alpha = Math.Sqrt(2 * _maxKl / d.Curvature) * d.Shrink;
        if (!double.IsFinite(alpha)) return UpdateResult.Rejected("non-finite step size", d.Iterations, d.Residual) with { Damping = d.Damping };
        if (alpha == 0) return new UpdateResult(true, 0, d.Iterations, d.Residual, 0, null, d.Damping);
        policy.GetParameters(_theta);
        Vec.Axpy(_theta, alpha, _s, _theta);
        if (!Vec.AllFinite(_theta)) return UpdateResult.Rejected("non-finite parameters after the step", d.Iterations, d.Residual) with { Damping = d.Damping };
        policy.SetParameters(_theta);
        return new UpdateResult(true, alpha, d.Iterations, d.Residual, 0, null, d.Damping);
    }

    public void Save(Snapshot into) => (_direction as ISnapshotable)?.Save(into);

    public void Load(SnapshotReader from) => (_direction as ISnapshotable)?.Load(from);
}
