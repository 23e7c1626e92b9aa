using NatPolicy.Agents;
using NatPolicy.Core;
using NatPolicy.Envs;
using NatPolicy.Envs.Reference;

namespace NatPolicy.Experiments.Runs;

/// <summary>One evaluated episode: the seed its Reset received, its undiscounted return and its length in steps.</summary>
public readonly record struct EvaluatedEpisode(ulong Seed, double Return, int Length);

/// <summary>Whole episodes of a fixed policy (the normaliser frozen, as saved), in the order they ran.</summary>
public sealed record Evaluation(IReadOnlyList<EvaluatedEpisode> Episodes)
{
    public IEnumerable<double> Returns => Episodes.Select(e => e.Return);

    public double Mean => Returns.Average();

    /// <summary>Population standard deviation across episodes.</summary>
    public double Std => Math.Sqrt(Returns.Average(r => (r - Mean) * (r - Mean)));

    public double LengthMean => Episodes.Average(e => (double)e.Length);

    /// <summary>
    /// Episode k is reset with seed <paramref name="seed"/> + k; sampled actions use <c>Rng.Derive(seed, 1)</c>.
    /// Deterministic: the policy's mean action (softmax: the most probable action, lowest index on ties; Gaussian:
    /// the mean μ, not clipped: the env clips). The action is passed to the env as computed.
    /// </summary>
    public static Evaluation Run(IEnv env, IPolicy policy, RunningMeanStd? normalizer, int episodes, ulong seed, bool deterministic)
    {
        var rng = Rng.Derive(seed, 1);
        var result = new EvaluatedEpisode[episodes];
        var input = new double[env.ObservationSpace.Dimension];
        var action = new double[env.ActionSpace.Dimension];
        for (int k = 0; k < episodes; k++)
        {
            ulong episodeSeed = seed + (ulong)k;
            var obs = env.Reset(episodeSeed);
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
            result[k] = new EvaluatedEpisode(episodeSeed, total, length);
        }
        return new Evaluation(result);
    }

    /// <summary>
    /// <see cref="Run"/> on <c>EnvRegistry.Make(envId)</c>, recording the episodes in the reference-file format
    /// (<see cref="RecordReferenceEpisodes"/>; the env must be an <see cref="IStatefulEnv"/>, else
    /// <see cref="ArgumentException"/>). The recording replays with <see cref="ReferenceReplayer"/>.
    /// </summary>
    public static (Evaluation Evaluation, ReferenceFile Recording) RunRecorded(string envId, IPolicy policy,
        RunningMeanStd? normalizer, int episodes, ulong seed, bool deterministic)
    {
        var recorder = new RecordReferenceEpisodes(EnvRegistry.Make(envId));
        var evaluation = Run(recorder, policy, normalizer, episodes, seed, deterministic);
        return (evaluation, recorder.ToFile(EnvRegistry.Spec(envId)));
    }
}
