using NatPolicy.Agents.Training;

namespace NatPolicy.Experiments.Reproductions;

/// <summary>
/// Episodic natural actor-critic (Peters &amp; Schaal 2008) vs Kakade's npg on CartPole-v1 with the linear softmax
/// policy: each run stops at its first iteration with mean return ≥ <see cref="Threshold"/> or at <see cref="MaxSteps"/>.
/// Both are <see cref="TrainDefaults.For"/> except npg's noise shrinkage, off (the papers' step, as nac's).
/// </summary>
/// <param name="Seeds">Seeds 0 … Seeds − 1, the same for both arms.</param>
/// <param name="MaxSteps">Env-step cap of a run that has not reached the threshold.</param>
/// <param name="MaxParallelism">Runs trained at once.</param>
public sealed record NacCartPoleConfig(int Seeds = 10, double Threshold = 475, long MaxSteps = 100_000, int MaxParallelism = 2)
{
    public const string EnvId = "CartPole-v1";

    /// <summary>The arms in race order: nac, then npg.</summary>
    public static IReadOnlyList<RaceArm> Arms() =>
    [
        new("nac (eNAC)", seed => TrainDefaults.For(EnvId, "nac") with { Seed = seed }),
        new("npg (exact Fisher)", seed => TrainDefaults.For(EnvId, "npg") is var c
            ? c with { Seed = seed, Algo = (NpgConfig)c.Algo with { NoiseShrinkage = false } } : c),
    ];
}

public sealed record NacCartPoleResult(NacCartPoleConfig Config, IReadOnlyList<RaceArmResult> Arms);

public static class NacCartPoleExperiment
{
    public static NacCartPoleResult Run(NacCartPoleConfig? config = null)
    {
        var c = config ?? new NacCartPoleConfig();
        return new NacCartPoleResult(c, ThresholdRace.Run(NacCartPoleConfig.Arms(), c.Seeds, c.Threshold, c.MaxSteps, c.MaxParallelism));
    }
}
