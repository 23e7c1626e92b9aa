using NatPolicy.Core;
using NatPolicy.Envs;

namespace NatPolicy.Agents.Training;

/// <summary>The per-environment defaults: the one place that departs from the records' own defaults.</summary>
public static class TrainDefaults
{
    /// <summary>
    /// The defaults for an environment and algorithm: what works out of the box. Common to all: the linear policy,
    /// the 32×32 "mlp" value baseline, δ = 0.01 (TRPO's), γ = 0.99, GAE λ = 0.97, B = 2000 over 8 envs, observation
    /// normalisation (NPG and TRPO are invariant to it up to the damping; vanilla gradient needs it); npg uses the
    /// exact Fisher and Cholesky, trpo always matrix-free products and CG; box-action envs start at log σ = 0.
    /// Per environment:
    /// <list type="bullet">
    /// <item>CartPole-v1, Acrobot-v1: linear softmax policy (enough for both once the critic is good; ≈ 5× cheaper per
    /// step than 64 random features). CartPole vpg gets 300k steps instead of 100k (with Adam at α = 0.01 it needs
    /// ≈ 115k steps, median, to reach 475); Acrobot 300k.</item>
    /// <item>Pendulum-v1: 300k steps; a Gaussian policy on 100 random Fourier features (the swing-up needs a
    /// non-linear policy; Rajeswaran et al. 2017), γ = 0.95 and λ = 0.95 (the task is about the next few seconds),
    /// initial log σ = −0.5 (a calmer start), B = 4000, δ = 0.02 (npg and trpo), and the "rff" baseline (9/10 seeds
    /// reach −200 in 300k at ≈ 23 s a run; the 64×64 MLP critic: 8/10, ≈ 53 s).</item>
    /// <item>MountainCar-v0, MountainCarContinuous-v0: 300k steps, otherwise untuned (exploration-hard: the reward
    /// gives no signal until the goal is reached by chance).</item>
    /// </list>
    /// <c>natpolicy train --env ID --algo A --print-config</c> prints the result. The values are being re-tuned:
    /// change them here only.
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
            "CartPole-v1" => c with { TotalSteps = algo == "vpg" ? 300_000 : 100_000 },
            "Acrobot-v1" or "MountainCar-v0" or "MountainCarContinuous-v0" => c with { TotalSteps = 300_000 },
            "Pendulum-v1" => c with
            {
                TotalSteps = 300_000,
                Policy = new RffPolicyConfig { Features = 100, InitLogStd = -0.5 },
                Gamma = 0.95,
                GaeLambda = 0.95,
                StepsPerIteration = 4_000,
                Algo = c.Algo is NaturalGradientConfig n ? n with { MaxKl = 0.02 } : c.Algo,
                Baseline = new RffBaselineConfig(),
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
