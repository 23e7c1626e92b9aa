using System.Diagnostics;
using System.Globalization;
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
    /// <summary>Short name for <c>bench --train --cases</c> (default: <see cref="Name"/>).</summary>
    public string Id { get; init; } = Name;

    /// <summary>The resolved config of this case with its seed set.</summary>
    public TrainConfig Config(ulong seed) =>
        ConfigResolver.Resolve(EnvId, Algo, null, null, [.. Overrides, ("seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
}

/// <summary>
/// Cost of a steady-state iteration: median and minimum seconds over the measured iterations, bytes allocated per
/// iteration on the training thread, and the median seconds of each phase (<see cref="IterationPhases.Names"/> order).
/// </summary>
public readonly record struct IterationCost(double MedianSeconds, double MinSeconds, double BytesPerIteration, int Iterations, int StepsPerIteration,
    IReadOnlyList<double> PhaseMedianSeconds);

/// <summary>
/// Time to a return threshold over several seeds: medians of the summed <see cref="Trainer.RunIteration"/> seconds
/// (training compute, no file output) and of the env steps at the first iteration whose mean episode return reaches
/// the threshold; seeds that never reach it within the budget count as +∞.
/// </summary>
public readonly record struct ThresholdCost(double Threshold, int Seeds, int Reached, double MedianSeconds, double MedianSteps);

/// <summary>
/// How a machine runs several trainers at once: the median seconds of a steady-state iteration of one trainer alone
/// and of each of <see cref="Threads"/> trainers running side by side on their own threads (measured in interleaved
/// rounds, so both see the same spells of a shared machine). <see cref="Speedup"/> is the throughput of the side-by-side
/// trainers over one alone: <see cref="Threads"/> × alone ÷ together, <see cref="Threads"/> on a machine whose cores are
/// free and independent.
/// </summary>
public readonly record struct ScalingCost(int Threads, int Rounds, int Iterations, double AloneMedianSeconds, double TogetherMedianSeconds)
{
    public double Speedup => Threads * AloneMedianSeconds / TogetherMedianSeconds;
}

/// <summary>
/// The measurements behind <c>natpolicy bench --train</c> and the TrainingBenchmarks of benchmarks/: in-process,
/// one thread, trainers built by <see cref="RunComponents"/> exactly as <c>train</c> builds them (no run folder).
/// </summary>
public static class TrainingBench
{
    /// <summary>The cases of the README performance table.</summary>
    /// <remarks>
    /// CartPole's npg/trpo defaults turn noise shrinkage on (8 more CG solves per iteration); the "no shrinkage" MLP
    /// cases are TRPO as Schulman et al. run it.
    /// </remarks>
    public static IReadOnlyList<TrainingBenchCase> Cases { get; } =
    [
        new("CartPole-v1 npg", "CartPole-v1", "npg", []) { Id = "cartpole-npg" },
        new("CartPole-v1 trpo", "CartPole-v1", "trpo", []) { Id = "cartpole-trpo" },
        new("Pendulum-v1 trpo", "Pendulum-v1", "trpo", []) { Id = "pendulum-trpo" },
        new("CartPole-v1 trpo MLP 64×64", "CartPole-v1", "trpo", [("policy.kind", "mlp"), ("policy.hidden_sizes", "[64,64]")]) { Id = "mlp64" },
        new("CartPole-v1 trpo MLP 64×64 no shrinkage", "CartPole-v1", "trpo", [("policy.kind", "mlp"), ("policy.hidden_sizes", "[64,64]"), ("algo.noise_shrinkage", "false")]) { Id = "mlp64-noshrink" },
        new("CartPole-v1 trpo MLP 256×256", "CartPole-v1", "trpo", [("policy.kind", "mlp"), ("policy.hidden_sizes", "[256,256]")]) { Id = "mlp256" },
        new("CartPole-v1 trpo MLP 256×256 no shrinkage", "CartPole-v1", "trpo", [("policy.kind", "mlp"), ("policy.hidden_sizes", "[256,256]"), ("algo.noise_shrinkage", "false")]) { Id = "mlp256-noshrink" },
    ];

    /// <summary>
    /// The cases named in <paramref name="ids"/> (comma-separated <see cref="TrainingBenchCase.Id"/>s, in
    /// <see cref="Cases"/> order; null: all). Throws <see cref="InputException"/> naming an unknown id and the known ones.
    /// </summary>
    public static IReadOnlyList<TrainingBenchCase> Select(string? ids)
    {
        if (ids is null) return Cases;
        var wanted = ids.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string? unknown = wanted.Length == 0 ? ids : wanted.FirstOrDefault(id => Cases.All(c => c.Id != id));
        if (unknown is not null)
            throw new InputException($"--cases: unknown case '{unknown}'; allowed: {string.Join(", ", Cases.Select(c => c.Id))}");
        return Cases.Where(c => wanted.Contains(c.Id)).ToArray();
    }

    /// <summary>Runs <paramref name="warmup"/> iterations, then times <paramref name="iterations"/> more one by one.</summary>
    public static IterationCost SteadyState(TrainingBenchCase c, int warmup, int iterations, ulong seed = 0)
    {
        var config = c.Config(seed);
        var trainer = RunComponents.Build(config).Trainer;
        for (int i = 0; i < warmup; i++) trainer.RunIteration();
        var seconds = new double[iterations];
        var phases = new IterationPhases[iterations];
        long bytes0 = GC.GetAllocatedBytesForCurrentThread();
        Time(trainer, seconds, phases);
        double bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - bytes0) / iterations;
        var phaseMedians = Enumerable.Range(0, IterationPhases.Names.Count).Select(k => Statistics.Median(phases.Select(p => p.Seconds(k)).ToArray())).ToArray();
        return new IterationCost(Statistics.Median(seconds), seconds.Min(), bytes, iterations, config.StepsPerIteration, phaseMedians);
    }

    /// <summary>
    /// <see cref="ScalingCost"/> of case <paramref name="c"/>: <paramref name="threads"/> trainers (seeds 0, 1, …) run
    /// <paramref name="warmup"/> iterations each; then, <paramref name="rounds"/> times, trainer 0 alone times
    /// <paramref name="iterations"/> iterations, and all of them time as many at once (released together by a barrier).
    /// Everything is compiled and allocated before the timing, so it measures the cores, not the JIT or the disk.
    /// </summary>
    public static ScalingCost Scaling(TrainingBenchCase c, int threads, int warmup, int iterations, int rounds)
    {
        if (threads < 2) throw new ArgumentOutOfRangeException(nameof(threads), threads, "at least two trainers");
        var trainers = Enumerable.Range(0, threads).Select(k => RunComponents.Build(c.Config((ulong)k)).Trainer).ToArray();
        foreach (var trainer in trainers)
            for (int i = 0; i < warmup; i++) trainer.RunIteration();
        var alone = new List<double>();
        var together = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var one = new double[iterations];
            Time(trainers[0], one);
            alone.AddRange(one);
            var each = Enumerable.Range(0, threads).Select(_ => new double[iterations]).ToArray();
            using var start = new Barrier(threads);
            var workers = Enumerable.Range(0, threads).Select(k => new Thread(() =>
            {
                start.SignalAndWait();
                Time(trainers[k], each[k]);
            })).ToArray();
            foreach (var w in workers) w.Start();
            foreach (var w in workers) w.Join();
            foreach (var times in each) together.AddRange(times);
        }
        return new ScalingCost(threads, rounds, iterations, Statistics.Median(alone), Statistics.Median(together));
    }

    /// <summary>
    /// Runs one iteration per entry of <paramref name="seconds"/> and writes its seconds there (and its phases into
    /// <paramref name="phases"/> when given); allocates nothing itself, so it can sit inside an allocation count.
    /// </summary>
    private static void Time(Trainer trainer, Span<double> seconds, Span<IterationPhases> phases = default)
    {
        for (int i = 0; i < seconds.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            trainer.RunIteration();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (!phases.IsEmpty) phases[i] = trainer.LastPhases;
        }
    }

    /// <summary>One line for a <see cref="ScalingCost"/>.</summary>
    public static string ScalingLine(TrainingBenchCase c, ScalingCost s) =>
        $"{c.Name}: {Fmt.G(s.AloneMedianSeconds * 1e3, 4)} ms/iter alone, {Fmt.G(s.TogetherMedianSeconds * 1e3, 4)} ms/iter each with {s.Threads} at once: "
        + $"{Fmt.G(s.Speedup, 3)}× the throughput of one ({s.Rounds} interleaved rounds of {s.Iterations} iterations)";

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

    /// <summary>
    /// The tables <c>bench --train</c> prints: one line per case (milliseconds, whole bytes), then the median
    /// milliseconds of each phase per case (medians of each phase separately, so they need not add up to the total's).
    /// </summary>
    public static string SteadyStateTable(IEnumerable<(TrainingBenchCase Case, IterationCost Cost)> rows)
    {
        var list = rows.ToArray();
        var sb = new StringBuilder();
        sb.AppendLine($"{"case",-42} {"steps/iter",10} {"median ms/iter",15} {"min ms/iter",12} {"bytes/iter",12}");
        foreach (var (c, cost) in list)
            sb.AppendLine($"{c.Name,-42} {cost.StepsPerIteration,10} {Fmt.G(cost.MedianSeconds * 1e3, 4),15} {Fmt.G(cost.MinSeconds * 1e3, 4),12} {Math.Round(cost.BytesPerIteration).ToString("F0", CultureInfo.InvariantCulture),12}");
        sb.AppendLine();
        sb.Append($"{"median ms per phase",-42}");
        foreach (var name in IterationPhases.Names) sb.Append($" {name,11}");
        sb.AppendLine();
        foreach (var (c, cost) in list)
        {
            sb.Append($"{c.Name,-42}");
            foreach (double s in cost.PhaseMedianSeconds) sb.Append($" {(s * 1e3).ToString("F3", CultureInfo.InvariantCulture),11}");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>One line for a <see cref="ThresholdCost"/>.</summary>
    public static string ThresholdLine(TrainingBenchCase c, ThresholdCost t) =>
        $"{c.Name}: {t.Reached}/{t.Seeds} seeds reach {Fmt.G(t.Threshold)}; median training compute {Fmt.G(t.MedianSeconds * 1e3, 4)} ms, median {Fmt.G(t.MedianSteps, 6)} env steps";
}
