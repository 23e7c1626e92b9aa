using NatPolicy.Agents.Training;

namespace NatPolicy.Agents.Updates;

/// <summary>
/// The surrogate L(θ) − L(θ_old) = Ê[(π_θ(a|s)/π_old(a|s) − 1) Â] and the mean KL of a batch, evaluated at candidate θ
/// through the batch's <see cref="RolloutBuffer.Rows"/> (one forward pass per candidate; the policy's own θ is not
/// touched). Its gradient at θ_old is the trainer's policy gradient g. Re-aimed by <see cref="Aim"/> each update,
/// so one instance serves a whole run without allocating.
/// </summary>
internal sealed class SurrogateObjective : ITrustRegionObjective
{
    private RolloutBuffer? _batch;
    private PolicyBatch? _rows;
    private double[] _thetaOld = [];
    private double[] _logProbs = [];

    /// <summary>Evaluates over <paramref name="batch"/>'s rows for <paramref name="policy"/>, with θ_old = <paramref name="thetaOld"/> (copied).</summary>
    public void Aim(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> thetaOld)
    {
        _batch = batch;
        _rows = batch.Rows(policy);
        if (_thetaOld.Length != thetaOld.Length) _thetaOld = new double[thetaOld.Length];
        thetaOld.CopyTo(_thetaOld);
        if (_logProbs.Length < batch.Count) _logProbs = new double[batch.Count];
    }

    private RolloutBuffer Batch => _batch ?? throw new InvalidOperationException("the objective has not been aimed at a batch.");

    public double SurrogateImprovement(ReadOnlySpan<double> theta)
    {
        var batch = Batch;
        _rows!.LogProbs(theta, _logProbs);
        double sum = 0, baseline = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            double ratio = Math.Exp(_logProbs[i] - batch.LogProbs[i]);
            sum += ratio * batch.Advantages[i];
            baseline += batch.Advantages[i];
        }
        return (sum - baseline) / batch.Count;
    }

    public double MeanKl(ReadOnlySpan<double> theta)
    {
        _ = Batch;
        return _rows!.MeanKl(_thetaOld, theta);
    }
}
