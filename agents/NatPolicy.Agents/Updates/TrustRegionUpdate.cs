using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Agents.Updates;

/// <summary>
/// TRPO (Schulman et al. 2015): the natural direction s (conjugate gradient on Fisher-vector products), the maximal
/// step β = sqrt(2δ / sᵀ(F + λI)s) (the damping included, as rllab and OpenAI baselines do; times the direction's
/// shrink factor, 1 unless noise shrinkage is on; 0 leaves θ unchanged), then a backtracking line search on the
/// surrogate and the mean KL. With λ &gt; 0 the full step's quadratic KL model is δ·sᵀFs / sᵀ(F + λI)s, slightly less
/// than δ. If no candidate is acceptable θ is restored exactly and the rejection is reported.
/// </summary>
public sealed class TrustRegionUpdate : IPolicyUpdate
{
    private readonly INaturalDirection _direction;
    private readonly BacktrackingLineSearch _lineSearch;
    private readonly double _maxKl;
    private readonly double[] _s;
    private readonly double[] _thetaOld;
    private readonly double[] _candidate;
    private readonly SurrogateObjective _objective = new();

    public TrustRegionUpdate(int parameterCount, INaturalDirection direction, BacktrackingLineSearch lineSearch, double maxKl)
    {
        _direction = direction;
        _lineSearch = lineSearch;
        _maxKl = maxKl;
        _s = new double[parameterCount];
        _thetaOld = new double[parameterCount];
        _candidate = new double[parameterCount];
    }

    public UpdateResult Update(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient)
    {
        if (_direction.TryCompute(policy, batch, gradient, _s, out var d) is { } rejected) return rejected;
        double beta = Math.Sqrt(2 * _maxKl / d.Curvature) * d.Shrink;
        if (beta == 0) return new UpdateResult(true, 0, d.Iterations, d.Residual, 0, null, d.Damping);
        for (int k = 0; k < _s.Length; k++) _s[k] *= beta;

        policy.GetParameters(_thetaOld);
        _objective.Aim(policy, batch, _thetaOld);
        var outcome = _lineSearch.Search(_objective, _thetaOld, _s, _maxKl, _candidate);
        if (!outcome.Accepted)
        {
            policy.SetParameters(_thetaOld);
            return UpdateResult.Rejected(
                $"line search found no step with improvement > 0 and KL ≤ {Fmt.G(_maxKl)} in {outcome.Backtracks} tries",
                d.Iterations, d.Residual, outcome.Backtracks) with { Damping = d.Damping };
        }
        policy.SetParameters(_candidate);
        return new UpdateResult(true, beta * outcome.Fraction, d.Iterations, d.Residual, outcome.Backtracks, null, d.Damping);
    }

    public void Save(Snapshot into) => (_direction as ISnapshotable)?.Save(into);

    public void Load(SnapshotReader from) => (_direction as ISnapshotable)?.Load(from);
}
