using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Agents.Updates;

/// <summary>
/// TRPO (Schulman et al. 2015): the natural direction s (conjugate gradient on Fisher-vector products), the maximal
/// step β = sqrt(2δ / sᵀFs) (times the direction's shrink factor, 1 unless noise shrinkage is on; 0 leaves θ
/// unchanged), then a backtracking line search on the surrogate and the mean KL. If no candidate is
/// acceptable θ is restored exactly and the rejection is reported.
/// </summary>
public sealed class TrustRegionUpdate : IPolicyUpdate
{
    private readonly INaturalDirection _direction;
    private readonly BacktrackingLineSearch _lineSearch;
    private readonly double _maxKl;
    private readonly double[] _s;
    private readonly double[] _thetaOld;
    private readonly double[] _candidate;

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
        if (beta == 0) return new UpdateResult(true, 0, d.Iterations, d.Residual, 0, null);
        for (int k = 0; k < _s.Length; k++) _s[k] *= beta;

        policy.GetParameters(_thetaOld);
        var objective = new SurrogateObjective(policy, batch, _thetaOld);
        var outcome = _lineSearch.Search(objective, _thetaOld, _s, _maxKl, _candidate);
        if (!outcome.Accepted)
        {
            policy.SetParameters(_thetaOld);
            return UpdateResult.Rejected(
                $"line search found no step with improvement > 0 and KL ≤ {Fmt.G(_maxKl)} in {outcome.Backtracks} tries",
                d.Iterations, d.Residual, outcome.Backtracks);
        }
        policy.SetParameters(_candidate);
        return new UpdateResult(true, beta * outcome.Fraction, d.Iterations, d.Residual, outcome.Backtracks, null);
    }

    public void Save(Snapshot into) => (_direction as ISnapshotable)?.Save(into);

    public void Load(SnapshotReader from) => (_direction as ISnapshotable)?.Load(from);

    /// <summary>The surrogate and KL of the batch, evaluated by setting θ on the policy (restored by the caller).</summary>
    private sealed class SurrogateObjective(IPolicy policy, RolloutBuffer batch, double[] thetaOld) : ITrustRegionObjective
    {
        public double SurrogateImprovement(ReadOnlySpan<double> theta)
        {
            policy.SetParameters(theta);
            double sum = 0, baseline = 0;
            for (int i = 0; i < batch.Count; i++)
            {
                double ratio = Math.Exp(policy.LogProb(batch.Observation(i), batch.Action(i)) - batch.LogProbs[i]);
                sum += ratio * batch.Advantages[i];
                baseline += batch.Advantages[i];
            }
            return (sum - baseline) / batch.Count;
        }

        public double MeanKl(ReadOnlySpan<double> theta) =>
            policy.MeanKl(thetaOld, theta, batch.Observations, batch.Count);
    }
}
