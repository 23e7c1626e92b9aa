using System.Diagnostics;
using System.Text;
using NatPolicy.Agents.Training;
using NatPolicy.Core;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Configuration;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Performance;

/// <summary>One training configuration to time: the env/algo defaults with <paramref name="Overrides"/> (dotted key = JSON value).</summary>
public sealed record TrainingBenchCase(string Name, string EnvId, string Algo, IReadOnlyList<(string Key, string Value)> Overrides)
{
    /// <summary>The resolved config of this case with its seed set.</summary>
    public TrainConfig Config(ulong seed) =>
        ConfigResolver.Resolve(EnvId, Algo, null, null, [.. Overrides, ("seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
}

/// <summary>Cost of a steady-state iteration: median and minimum seconds over the measured iterations, and bytes allocated per iteration on the training thread.</summary>
public readonly record struct IterationCost(double MedianSeconds, double MinSeconds, double BytesPerIteration, int Iterations, int StepsPerIteration);

/// <summary>
/// Time to a return threshold over several seeds: medians of the summed <see cref="Trainer.RunIteration"/> seconds
/// (training compute, no file output) and of the env steps at the first iteration whose mean episode return reaches
/// the threshold; seeds that never reach it within the budget count as +∞.
/// </summary>
public readonly record struct ThresholdCost(double Threshold, int Seeds, int Reached, double MedianSeconds, double MedianSteps);

/// <summary>
/// The measurements behind <c>natpolicy bench --train</c> and the TrainingBenchmarks of benchmarks/: in-process,
/// one thread, trainers built by <see cref="RunComponents"/> exactly as <c>train</c> builds them (no run folder).
/// </summary>
public static class TrainingBench
{
    /// <summary>The cases of the README performance table.</summary>
    public static IReadOnlyList<TrainingBenchCase> Cases { get; } =
    [
        new("CartPole-v1 npg", "CartPole-v1", "npg", []),
        new("CartPole-v1 trpo", "CartPole-v1", "trpo", []),
        new("Pendulum-v1 trpo", "Pendulum-v1", "trpo", []),
        new("CartPole-v1 trpo MLP 64×64", "CartPole-v1", "trpo", [("policy.kind", "mlp"), ("policy.hidden_sizes", "[64,64]")]),
        new("CartPole-v1 trpo MLP 256×256", "CartPole-v1", "trpo", [("policy.kind", "mlp"), ("policy.hidden_sizes", "[256,256]")]),
    ];

    /// <summary>Runs <paramref name="warmup"/> iterations, then times <paramref name="iterations"/> more one by one.</summary>
    public static IterationCost SteadyState(TrainingBenchCase c, int warmup, int iterations, ulong seed = 0)
    {
        var config = c.Config(seed);
        var trainer = RunComponents.Build(config).Trainer;
        for (int i = 0; i < warmup; i++) trainer.RunIteration();
        var seconds = new double[iterations];
        long bytes0 = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            trainer.RunIteration();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        double bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - bytes0) / iterations;
        return new IterationCost(Statistics.Median(seconds), seconds.Min(), bytes, iterations, config.StepsPerIteration);
    }

    /// <summary>Trains seeds <paramref name="firstSeed"/> … + <paramref name="seeds"/> − 1 until the mean return reaches <paramref name="threshold"/> or <paramref name="maxSteps"/> env steps.</summary>
    public static ThresholdCost ToThreshold(TrainingBenchCase c, double threshold, long maxSteps, int seeds, ulong firstSeed)
    {
        var seconds = new double[seeds];
        var steps = new double[seeds];
        int reached = 0;
        for (int k = 0; k < seeds; k++)
        {
            var trainer = RunComponents.Build(c.Config(firstSeed + (ulong)k)).Trainer;
            double compute = 0;
            seconds[k] = steps[k] = double.PositiveInfinity;
            while (trainer.EnvSteps < maxSteps)
            {
                long start = Stopwatch.GetTimestamp();
                var log = trainer.RunIteration();
                compute += Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (log.ReturnMean >= threshold)
                {
                    seconds[k] = compute;
                    steps[k] = log.EnvSteps;
                    reached++;
                    break;
                }
            }
        }
        return new ThresholdCost(threshold, seeds, reached, Statistics.Median(seconds), Statistics.Median(steps));
    }

    /// <summary>The table <c>bench --train</c> prints: one line per case (milliseconds, bytes).</summary>
    public static string SteadyStateTable(IEnumerable<(TrainingBenchCase Case, IterationCost Cost)> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{"case",-30} {"steps/iter",10} {"median ms/iter",15} {"min ms/iter",12} {"bytes/iter",12}");
        foreach (var (c, cost) in rows)
            sb.AppendLine($"{c.Name,-30} {cost.StepsPerIteration,10} {Fmt.G(cost.MedianSeconds * 1e3, 4),15} {Fmt.G(cost.MinSeconds * 1e3, 4),12} {Fmt.G(cost.BytesPerIteration, 4),12}");
        return sb.ToString();
    }

    /// <summary>One line for a <see cref="ThresholdCost"/>.</summary>
    public static string ThresholdLine(TrainingBenchCase c, ThresholdCost t) =>
        $"{c.Name}: {t.Reached}/{t.Seeds} seeds reach {Fmt.G(t.Threshold)}; median training compute {Fmt.G(t.MedianSeconds * 1e3, 4)} ms, median {Fmt.G(t.MedianSteps, 6)} env steps";
}
