using NatPolicy.Agents.Training;

namespace NatPolicy.Experiments.Reproductions;

/// <summary>
/// K-FAC npg vs CG trpo (and vpg) on CartPole-v1 with a tanh MLP policy (Martens &amp; Grosse 2015; Wu et al. 2017):
/// each run stops at its first iteration with mean return ≥ <see cref="Threshold"/> or at <see cref="MaxSteps"/>.
/// Everything is <see cref="TrainDefaults.For"/> except the policy (MLP <see cref="HiddenSizes"/>), noise shrinkage
/// off for npg and trpo (the papers' step), and K-FAC's damping <see cref="KfacDamping"/>.
/// </summary>
/// <param name="Seeds">Seeds 0 … Seeds − 1, the same for every arm.</param>
/// <param name="MaxSteps">Env-step cap of a run that has not reached the threshold.</param>
/// <param name="IncludeVpg">Also race vpg (its CartPole default: Adam α = 0.02 on 1000-step batches). Off by default: the
/// acceptance compares K-FAC with CG trpo, and vpg's CartPole numbers are in docs/reproductions.md's 100k-step table.</param>
/// <param name="MaxParallelism">Runs trained at once.</param>
public sealed record KfacCartPoleConfig(
    int Seeds = 10,
    double Threshold = 475,
    long MaxSteps = 60_000,
    int[]? HiddenSizes = null,
    double KfacDamping = 0.01,
    bool IncludeVpg = false,
    int MaxParallelism = 2)
{
    public const string EnvId = "CartPole-v1";

    public int[] Hidden => HiddenSizes ?? [64, 64];

    /// <summary>The arms in race order: K-FAC npg, CG trpo, then vpg when <see cref="IncludeVpg"/>.</summary>
    public IReadOnlyList<RaceArm> Arms()
    {
        var mlp = new MlpPolicyConfig { HiddenSizes = Hidden };
        TrainConfig Base(string algo, ulong seed) => TrainDefaults.For(EnvId, algo) with { Policy = mlp, Seed = seed };
        var arms = new List<RaceArm>
        {
            new("npg K-FAC", seed => Base("npg", seed) is var c
                ? c with { Algo = (NpgConfig)c.Algo with { Curvature = "kfac", Damping = KfacDamping, NoiseShrinkage = false } } : c),
            new("trpo CG", seed => Base("trpo", seed) is var c
                ? c with { Algo = (TrpoConfig)c.Algo with { NoiseShrinkage = false } } : c),
        };
        if (IncludeVpg) arms.Add(new("vpg (Adam)", seed => Base("vpg", seed)));
        return arms;
    }
}

public sealed record KfacCartPoleResult(KfacCartPoleConfig Config, IReadOnlyList<RaceArmResult> Arms);

public static class KfacCartPoleExperiment
{
    public static KfacCartPoleResult Run(KfacCartPoleConfig? config = null)
    {
        var c = config ?? new KfacCartPoleConfig();
        return new KfacCartPoleResult(c, ThresholdRace.Run(c.Arms(), c.Seeds, c.Threshold, c.MaxSteps, c.MaxParallelism));
    }
}
