using NatPolicy.Core;
using NatPolicy.Envs.Classic;

namespace NatPolicy.Envs.Reference;

/// <summary>
/// Records trajectories of our own envs in the reference format, with the reference README's LCG actions: for
/// regression files, new seeds, or to test the checker on files it has never seen.
/// </summary>
public static class ReferenceRecorder
{
    /// <summary>Extra steps recorded after a CartPole termination (as the reference files).</summary>
    public const int CartPolePostTerminalSteps = 3;

    /// <summary>Continuous LCG actions are drawn from the action bounds widened by this factor (the reference files: [-1.5, 1.5] for MountainCarContinuous, [-3, 3] for Pendulum).</summary>
    public const double ContinuousRangeFactor = 1.5;

    /// <param name="envId">A registered id.</param>
    /// <param name="seeds">One episode per seed: the start state is drawn by <c>Reset(seed)</c> (our Rng), actions by <c>Lcg(seed)</c>.</param>
    /// <param name="maxEpisodeSteps">Time limit; null: the registry's.</param>
    public static ReferenceFile Record(string envId, IEnumerable<ulong> seeds, int? maxEpisodeSteps = null)
    {
        var spec = EnvRegistry.Spec(envId);
        int max = maxEpisodeSteps ?? spec.MaxEpisodeSteps ?? throw new ArgumentException($"{envId} has no time limit; pass maxEpisodeSteps");
        var episodes = new List<ReferenceEpisode>();
        foreach (ulong seed in seeds)
        {
            var env = EnvRegistry.MakeStateful(envId);
            var lcg = new Lcg(seed);
            double[] initialObs = env.Reset(seed).ToArray();
            double[] initialState = env.State.ToArray();
            var steps = new List<ReferenceStep>();
            List<ReferenceStep>? post = null;
            double ret = 0;
            while (true)
            {
                var rec = StepOnce(env, lcg, steps.Count + 1 >= max);
                steps.Add(rec);
                ret += rec.Reward;
                if (rec.Terminated || rec.Truncated)
                {
                    if (rec.Terminated && env is CartPoleEnv)
                    {
                        post = [];
                        for (int k = 1; k <= CartPolePostTerminalSteps; k++)
                            post.Add(StepOnce(env, lcg, steps.Count + k >= max));
                    }
                    break;
                }
            }
            episodes.Add(new ReferenceEpisode((long)seed, "lcg", initialState, initialObs, steps, post, steps.Count, ret));
        }
        return new ReferenceFile(envId, max, spec.RewardThreshold, new LcgSpec(Lcg.DefaultA, Lcg.DefaultC), episodes)
        {
            ActionSpace = EnvRegistry.MakeUnwrapped(envId).ActionSpace.ToString(),
            ObservationSpace = EnvRegistry.MakeUnwrapped(envId).ObservationSpace.ToString(),
        };
    }

    private static ReferenceStep StepOnce(IStatefulEnv env, Lcg lcg, bool truncated)
    {
        double[] action = new double[env.ActionSpace.Dimension];
        if (env.ActionSpace is DiscreteSpace d)
        {
            action[0] = lcg.Int(d.N);
        }
        else
        {
            var box = (BoxSpace)env.ActionSpace;
            for (int i = 0; i < action.Length; i++)
                action[i] = lcg.Continuous(box.Low[i] * ContinuousRangeFactor, box.High[i] * ContinuousRangeFactor);
        }
        var r = env.Step(action);
        return new ReferenceStep(action, r.Observation.ToArray(), env.State.ToArray(), r.Reward, r.Terminated, truncated);
    }
}
