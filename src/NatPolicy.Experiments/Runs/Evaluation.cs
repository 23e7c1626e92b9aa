using NatPolicy.Agents;
using NatPolicy.Core;

namespace NatPolicy.Experiments.Runs;

/// <summary>Returns of whole episodes of a fixed policy (the normaliser frozen, as saved).</summary>
public sealed record Evaluation(double[] Returns, int[] Lengths)
{
    public double Mean => Returns.Average();

    /// <summary>Population standard deviation across episodes.</summary>
    public double Std => Math.Sqrt(Returns.Average(r => (r - Mean) * (r - Mean)));

    /// <summary>Episode k is reset with seed <paramref name="seed"/> + k; sampled actions use a stream derived from the seed.</summary>
    public static Evaluation Run(IEnv env, IPolicy policy, RunningMeanStd? normalizer, int episodes, ulong seed, bool deterministic)
    {
        var rng = Rng.Derive(seed, 1);
        var returns = new double[episodes];
        var lengths = new int[episodes];
        var input = new double[env.ObservationSpace.Dimension];
        var action = new double[env.ActionSpace.Dimension];
        for (int k = 0; k < episodes; k++)
        {
            var obs = env.Reset(seed + (ulong)k);
            double total = 0;
            int length = 0;
            while (true)
            {
                if (normalizer is null) obs.Span.CopyTo(input);
                else normalizer.Normalize(obs.Span, input);
                if (deterministic) policy.MeanAction(input, action);
                else policy.Sample(input, rng, action);
                var step = env.Step(action);
                total += step.Reward;
                length++;
                obs = step.Observation;
                if (step.Done) break;
            }
            returns[k] = total;
            lengths[k] = length;
        }
        return new Evaluation(returns, lengths);
    }
}
