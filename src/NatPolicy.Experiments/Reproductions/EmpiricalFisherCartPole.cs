using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Training;
using NatPolicy.Experiments.Compare;

namespace NatPolicy.Experiments.Reproductions;

/// <summary>
/// Part (b) of the empirical-Fisher reproduction (Martens 2020 §11): NPG on CartPole with the empirical Fisher
/// F̂ = (1/N) Σ sᵢsᵢᵀ (scores of the sampled actions) against the exact-expectation Fisher
/// F = (1/N) Σ E_{a~π(·|sᵢ)}[s sᵀ], on the same seeds; everything else is <see cref="TrainDefaults.For"/>.
/// </summary>
/// <param name="Seeds">Seeds 0 … Seeds − 1, the same for both estimators.</param>
/// <param name="TotalSteps">Env steps per run; null keeps <see cref="TrainDefaults.For"/>.</param>
/// <param name="MaxParallelism">Runs trained at once; null: one per core.</param>
public sealed record EmpiricalFisherCartPoleConfig(
    string EnvId = "CartPole-v1",
    int Seeds = 10,
    double Threshold = 475,
    long? TotalSteps = null,
    int? MaxParallelism = null)
{
    /// <summary>The two Fisher estimators compared (config values of <c>fisher</c>).</summary>
    public static IReadOnlyList<string> Estimators { get; } = ["exact", "empirical"];

    public TrainConfig Training(string fisher, ulong seed)
    {
        // Kakade's normalised step, as documented in docs/reproductions.md (the CartPole default shrinks it since issue 9).
        var c = TrainDefaults.For(EnvId, "npg") with
        {
            Algo = (NpgConfig)TrainDefaults.For(EnvId, "npg").Algo with
            {
                Fisher = FisherEstimators.Parse(fisher) ?? throw new ArgumentException($"fisher '{fisher}' is unknown", nameof(fisher)),
                NoiseShrinkage = false,
            },
            Seed = seed,
        };
        return TotalSteps is { } t ? c with { TotalSteps = t } : c;
    }
}

/// <summary>One estimator: every seed's curve and their summary.</summary>
public sealed record FisherArm(string Fisher, IReadOnlyList<SeedCurve> Seeds, SeedSummary Summary);

public sealed record EmpiricalFisherCartPoleResult(EmpiricalFisherCartPoleConfig Config, FisherArm Exact, FisherArm Empirical);

public static class EmpiricalFisherCartPoleExperiment
{
    public static EmpiricalFisherCartPoleResult Run(EmpiricalFisherCartPoleConfig? config = null)
    {
        var c = config ?? new EmpiricalFisherCartPoleConfig();
        var jobs = EmpiricalFisherCartPoleConfig.Estimators
            .SelectMany(f => Enumerable.Range(0, c.Seeds).Select(seed => new TrainingJob($"npg fisher={f} seed={seed}", c.Training(f, (ulong)seed))))
            .ToArray();
        var curves = TrainingCurves.TrainAll(jobs, c.MaxParallelism);
        FisherArm Arm(int i)
        {
            var seeds = curves.Skip(i * c.Seeds).Take(c.Seeds).ToArray();
            return new FisherArm(EmpiricalFisherCartPoleConfig.Estimators[i], seeds, SeedSummary.Of(seeds, c.Threshold));
        }
        return new EmpiricalFisherCartPoleResult(c, Arm(0), Arm(1));
    }
}
