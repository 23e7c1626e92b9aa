using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Agents.Updates;

/// <summary>
/// Levenberg–Marquardt damping around a natural update (Martens &amp; Grosse 2015, §6.5; Martens 2020, §15): the inner
/// update moves θ with the direction's current λ; then ρ = (L(θ_new) − L(θ_old)) / gᵀ(θ_new − θ_old), the
/// surrogate's actual improvement over its first-order prediction on the same batch, sets the next λ:
/// λ ← max(λ/ω, λ_min) when ρ &gt; 3/4 (the model is trusted: less damping), λ ← min(λω, λ_max) when ρ &lt; 1/4
/// (the step overshot: more damping), unchanged otherwise and after a refused or zero step. The KL-normalised step
/// keeps the quadratic KL model at most δ, so ρ stays near 1 while the batch's surrogate is close to linear
/// within δ, and λ falls to λ_min unless steps start to overshoot. λ is saved with checkpoints.
/// </summary>
public sealed class LevenbergMarquardtUpdate : IPolicyUpdate
{
    private readonly IPolicyUpdate _inner;
    private readonly IDampedDirection _direction;
    private readonly double _factor, _min, _max;
    private readonly double[] _thetaOld;
    private readonly double[] _thetaNew;
    private readonly SurrogateObjective _objective = new();

    /// <param name="inner">A natural or trust-region update that computes its direction with <paramref name="direction"/>.</param>
    /// <param name="factor">ω &gt; 1.</param>
    /// <param name="min">λ_min ≥ 0.</param>
    /// <param name="max">λ_max ≥ λ_min.</param>
    public LevenbergMarquardtUpdate(int parameterCount, IPolicyUpdate inner, IDampedDirection direction, double factor, double min, double max)
    {
        _inner = inner;
        _direction = direction;
        _factor = factor;
        _min = min;
        _max = max;
        _thetaOld = new double[parameterCount];
        _thetaNew = new double[parameterCount];
    }

    /// <summary>ρ of the last update (NaN when it made no step).</summary>
    public double LastRatio { get; private set; } = double.NaN;

    public UpdateResult Update(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient)
    {
        policy.GetParameters(_thetaOld);
        var result = _inner.Update(policy, batch, gradient);
        LastRatio = double.NaN;
        if (!result.Accepted || result.StepSize == 0) return result;
        policy.GetParameters(_thetaNew);
        double predicted = 0;
        for (int k = 0; k < _thetaNew.Length; k++) predicted += gradient[k] * (_thetaNew[k] - _thetaOld[k]);
        _objective.Aim(policy, batch, _thetaOld);
        double actual = _objective.SurrogateImprovement(_thetaNew);
        policy.SetParameters(_thetaNew);
        double rho = actual / predicted;
        if (!(predicted > 0) || !double.IsFinite(rho)) return result;
        LastRatio = rho;
        _direction.Damping = Next(_direction.Damping, rho);
        return result;
    }

    /// <summary>The rule: λ/ω when ρ &gt; 3/4, λω when ρ &lt; 1/4, else λ; clipped to [λ_min, λ_max].</summary>
    public double Next(double damping, double rho) =>
        rho > 0.75 ? Math.Max(damping / _factor, _min) : rho < 0.25 ? Math.Min(damping * _factor, _max) : damping;

    public void Save(Snapshot into)
    {
        into.Write(_direction.Damping);
        _inner.Save(into);
    }

    public void Load(SnapshotReader from)
    {
        _direction.Damping = from.ReadDouble();
        _inner.Load(from);
    }
}
