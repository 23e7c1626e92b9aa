using NatPolicy.Agents.Training;

namespace NatPolicy.Agents.Updates;

/// <summary>
/// The surrogate L(θ) − L(θ_old) = Ê[(π_θ(a|s)/π_old(a|s) − 1) Â] and the mean KL of a batch, evaluated by setting θ
/// on the policy (the caller restores θ). Its gradient at θ_old is the trainer's policy gradient g.
/// </summary>
internal sealed class SurrogateObjective(IPolicy policy, RolloutBuffer batch, double[] thetaOld) : ITrustRegionObjective
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
