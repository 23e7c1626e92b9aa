using NatPolicy.Core;
using NatPolicy.Envs;

namespace NatPolicy.Agents.Training;

/// <summary>The per-environment defaults: the one place that departs from the records' own defaults.</summary>
public static class TrainDefaults
{
    /// <summary>
    /// The defaults for an environment and algorithm: what works out of the box (measured in docs/stability.md and
    /// the README's results). Common to all: the linear policy, the 32×32 "mlp" value baseline, δ = 0.01 (TRPO's),
    /// γ = 0.99, GAE λ = 0.97, B = 2000 over 8 envs, observation normalisation; npg uses the exact Fisher and
    /// Cholesky, trpo always matrix-free products and CG; box-action envs start at log σ = 0; the papers' natural step
    /// (no noise shrinkage). Per environment:
    /// <list type="bullet">
    /// <item>CartPole-v1: 100k steps for every algo. npg/trpo: noise shrinkage on (without it the δ-sized step keeps
    /// moving the solved policy, and 3–6 of 10 seeds slide from 500 to 190–400). vpg: Adam α = 0.02 on B = 1000
    /// (100 updates in 100k steps; α = 0.01 on B = 2000 needed a median 116k steps to reach 475).</item>
    /// <item>Acrobot-v1: 100k steps (the zoo's budget); δ = 0.03 for npg/trpo (with δ = 0.01 the final deterministic
    /// evaluation was −128/−126; shrinkage stalls here, because the early all-failure batches really are noise and
    /// the papers' random walk is what finds the first successes).</item>
    /// <item>Pendulum-v1: 100k steps; a Gaussian policy on 100 random Fourier features (the swing-up needs a
    /// non-linear policy; Rajeswaran et al. 2017), the zoo's γ = 0.9 and λ = 0.95, initial log σ = −0.5 (a calmer
    /// start), B = 2000, δ = 0.03 for npg/trpo (δ = 0.05 let a seed collapse late), a 64×64 MLP critic with 10
    /// epochs (the bootstrap at the 200-step truncation needs a sharp value), and no observation normalisation (the
    /// observations are bounded already; a moving normaliser moves the features under the policy, outside the KL
    /// step: with it 2–4 seeds in 20 reached −200 and then collapsed, docs/stability.md §6).</item>
    /// <item>MountainCar-v0, MountainCarContinuous-v0: 300k steps, otherwise untuned (exploration-hard: the reward
    /// gives no signal until the goal is reached by chance).</item>
    /// </list>
    /// <c>natpolicy train --env ID --algo A --print-config</c> prints the result. Change defaults here only.
    /// </summary>
    public static TrainConfig For(string envId, string algo)
    {
        if (!TrainConfig.Algos.Contains(algo))
            throw new ConfigException($"unknown algo '{algo}'; allowed: {string.Join(", ", TrainConfig.Algos)}");
        if (EnvRegistry.TryGetSpec(envId) is null)
            throw new ConfigException($"unknown env '{envId}'; valid ids: {string.Join(", ", EnvRegistry.Ids)}");
        var c = new TrainConfig
        {
            EnvId = envId,
            Algo = AlgoSpec.Default(algo),
            Policy = new LinearPolicyConfig { InitLogStd = IsBox(envId) ? 0.0 : null },
        };
        return envId switch
        {
            "CartPole-v1" => c.Algo switch
            {
                VpgConfig v => c with { StepsPerIteration = 1_000, Algo = v with { LearningRate = 0.02 } },
                NaturalGradientConfig n => c with { Algo = n with { NoiseShrinkage = true } },
                _ => c,
            },
            "Acrobot-v1" => c with { Algo = c.Algo is NaturalGradientConfig n ? n with { MaxKl = 0.03 } : c.Algo },
            "MountainCar-v0" or "MountainCarContinuous-v0" => c with { TotalSteps = 300_000 },
            "Pendulum-v1" => c with
            {
                Policy = new RffPolicyConfig { Features = 100, InitLogStd = -0.5 },
                Gamma = 0.9,
                GaeLambda = 0.95,
                NormalizeObservations = false,
                StepsPerIteration = 2_000,
                Algo = c.Algo is NaturalGradientConfig n ? n with { MaxKl = 0.03 } : c.Algo,
                Baseline = new MlpBaselineConfig { HiddenSizes = [64, 64], Epochs = 10 },
            },
            _ => c,
        };
    }

    /// <summary>
    /// The object an overlay restarts from when it changes <c>policy.kind</c>: <paramref name="kind"/>'s record
    /// defaults with the current <paramref name="initLogStd"/> (it belongs to the head, not the features).
    /// </summary>
    public static PolicySpec Policy(string kind, double? initLogStd) => PolicySpec.Default(kind) with { InitLogStd = initLogStd };

    /// <summary>Whether the env's actions are a box (Gaussian head, <c>policy.init_log_std</c> applies).</summary>
    public static bool IsBox(string envId) => EnvRegistry.MakeUnwrapped(envId).ActionSpace is BoxSpace;
}
