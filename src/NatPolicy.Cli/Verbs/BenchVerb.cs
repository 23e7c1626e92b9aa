using System.CommandLine;
using System.Diagnostics;
using NatPolicy.Core;
using NatPolicy.Envs;
using NatPolicy.Envs.Vector;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Performance;

namespace NatPolicy.Cli;

/// <summary>
/// <c>natpolicy bench [--seconds S] [--env ID] [--copies N]</c>: environment throughput on one thread. Measures the
/// registry env (TimeLimit-wrapped) with precomputed random actions, reset on done, and a SyncVectorEnv of N copies
/// (env-steps/s = vector steps × N); bytes allocated per env step from GC.GetAllocatedBytesForCurrentThread.
/// <c>natpolicy bench --train [--iterations M] [--seeds K] [--first-seed S]</c>: training cost instead
/// (<see cref="TrainingBench"/>): per steady-state iteration for each of <see cref="TrainingBench.Cases"/>, and time to
/// the env's threshold over K seeds for the non-MLP cases; with <c>--parallel J</c>, J trainers of each case at once
/// against one alone (<see cref="TrainingBench.Scaling"/>).
/// <c>natpolicy bench --compare [--env ID] [--jobs J] [--rounds N]</c>: <c>compare --jobs J</c> against
/// <c>--jobs 1</c> as whole processes (<see cref="CompareScaling"/>).
/// </summary>
public static class BenchVerb
{
    public const string Summary = "Measure environment steps per second and bytes allocated per step";

    public const double DefaultSeconds = 2.0;
    public const int DefaultCopies = 64;
    public const string DefaultEnv = "CartPole-v1";
    /// <summary>Length of the precomputed action table (a power of two, cycled).</summary>
    private const int ActionTable = 1 << 16;
    private const ulong ActionSeed = 12345;
    private const ulong EnvSeed = 0;
    /// <summary>Steps between clock reads.</summary>
    private const int Chunk = 1 << 16;
    private const double WarmupFraction = 0.2;
    /// <summary>Iterations run before the steady-state timing of <c>--train</c>.</summary>
    private const int TrainWarmup = 3;
    /// <summary>Largest <c>--parallel</c>.</summary>
    private const int MaxParallel = 64;
    /// <summary>Interleaved alone/together rounds of <c>--parallel</c>.</summary>
    private const int ScalingRounds = 3;
    /// <summary>Env-step budget of a seed in the time-to-threshold measurement.</summary>
    private const long ThresholdBudget = 100_000;

    /// <summary>The <c>bench</c> command.</summary>
    public static Command Build(TextWriter stdout)
    {
        var secondsOption = Options.Double("--seconds", "S", "Seconds per measurement (after a 20% warm-up).", DefaultSeconds,
            s => s is > 0 and <= 3600 ? null : $"must be in (0, 3600] (got {Fmt.D(s)})");
        var envOption = Options.Text("--env", "ID", "Environment to measure.", DefaultEnv, EnvRegistry.Ids);
        var copiesOption = Options.Int("--copies", "N", "Copies in the SyncVectorEnv measurement (at most 1024, as num_envs).", DefaultCopies, 1);
        var trainOption = Options.Switch("--train", "Measure training instead: ms and bytes per steady-state iteration, and training compute to the threshold.");
        var iterationsOption = Options.Int("--iterations", "M", "With --train: iterations timed per case (after 3 warm-up iterations).", 10, 1);
        var seedsOption = Options.Int("--seeds", "K", "With --train: seeds of the time-to-threshold measurement.", 5, 1);
        var firstSeedOption = Options.Seed("--first-seed", "With --train: the first of the K seeds.", 100);
        var parallelOption = Options.Int("--parallel", "J",
            "With --train: also run J trainers of each case at once, one per thread, against one alone (3 interleaved rounds): how much J cores give this workload here.",
            null, 2);
        var casesOption = Options.Text("--cases", "ID,...", "With --train: only these cases (comma-separated). [default: all]", allowed: TrainingBench.Cases.Select(c => c.Id));
        var compareOption = Options.Switch("--compare",
            "Measure compare instead: the env's default comparison with --jobs J against --jobs 1, whole processes, in interleaved rounds, each after a reading of what J cores give.");
        var jobsOption = Options.Int("--jobs", "J", "With --compare: the jobs of the parallel comparison.", 2);
        var roundsOption = Options.Int("--rounds", "N", "With --compare: rounds (each: the cores' reading, then both comparisons).", 3);
        var command = new Command("bench", Summary);
        foreach (var o in new Option[] { secondsOption, envOption, copiesOption, trainOption, iterationsOption, seedsOption, firstSeedOption, casesOption, parallelOption,
                     compareOption, jobsOption, roundsOption })
            command.Options.Add(o);
        command.SetAction(p => p.GetValue(compareOption)
            ? p.GetValue(trainOption)
                ? throw new UsageException("--train and --compare measure different things; give one of them")
                : CompareScaling.Run(p.GetValue(envOption)!, p.GetValue(jobsOption)!.Value, p.GetValue(roundsOption)!.Value, stdout)
            : p.GetValue(trainOption)
            ? RunTraining(p.GetValue(iterationsOption)!.Value, p.GetValue(seedsOption)!.Value, p.GetValue(firstSeedOption)!.Value, TrainingBench.Select(p.GetValue(casesOption)), stdout,
                p.GetValue(parallelOption))
            : Run(p.GetValue(secondsOption)!.Value, p.GetValue(envOption)!, p.GetValue(copiesOption)!.Value, stdout));
        return command;
    }

    /// <summary><c>bench --train</c>: the steady-state tables (total and per phase), then one time-to-threshold line per selected non-MLP case.</summary>
    public static int RunTraining(int iterations, int seeds, ulong firstSeed, IReadOnlyList<TrainingBenchCase> cases, TextWriter stdout, int? parallel = null)
    {
        if (parallel > MaxParallel) throw new UsageException($"--parallel must be at most {MaxParallel} (got {parallel})");
        stdout.Write(TrainingBench.SteadyStateTable(cases.Select(c => (c, TrainingBench.SteadyState(c, TrainWarmup, iterations)))));
        foreach (var c in cases.Where(c => c.Overrides.Count == 0))
            if (Benchmark.Threshold(c.EnvId) is { } threshold)
                stdout.WriteLine(TrainingBench.ThresholdLine(c, TrainingBench.ToThreshold(c, threshold, ThresholdBudget, seeds, firstSeed)));
        if (parallel is { } threads)
            foreach (var c in cases)
                stdout.WriteLine(TrainingBench.ScalingLine(c, TrainingBench.Scaling(c, threads, TrainWarmup, iterations, ScalingRounds)));
        return 0;
    }

    public static int Run(double seconds, string id, int copies, TextWriter stdout)
    {
        if (copies > 1024) throw new UsageException($"--copies must be at most 1024 (got {copies})");
        if (!EnvRegistry.Ids.Contains(id))
            throw new UsageException($"unknown --env '{id}'; registered ids: {string.Join(", ", EnvRegistry.Ids)}");

        var single = MeasureSingle(id, seconds);
        var vector = MeasureVector(id, copies, seconds);
        stdout.WriteLine($"{"benchmark",-36} {"env-steps/s",14} {"bytes/step",11} {"steps",12}");
        stdout.WriteLine($"{id + " single (registry, TimeLimit)",-36} {Fmt.G(single.StepsPerSecond, 4),14} {Fmt.G(single.BytesPerStep, 3),11} {single.Steps,12}");
        stdout.WriteLine($"{id + $" SyncVectorEnv ×{copies}",-36} {Fmt.G(vector.StepsPerSecond, 4),14} {Fmt.G(vector.BytesPerStep, 3),11} {vector.Steps,12}");
        return 0;
    }

    /// <summary>One measurement: env steps per second and bytes allocated per env step.</summary>
    public readonly record struct Throughput(double StepsPerSecond, double BytesPerStep, long Steps);

    public static Throughput MeasureSingle(string id, double seconds)
    {
        var env = EnvRegistry.Make(id);
        var actions = Actions(env.ActionSpace, ActionTable);
        int dim = env.ActionSpace.Dimension;
        env.Reset(EnvSeed);
        int cursor = 0;
        Work work = () => RunSingle(env, actions, dim, ref cursor);
        Time(seconds * WarmupFraction, work);
        long bytes0 = GC.GetAllocatedBytesForCurrentThread();
        var (elapsed, steps) = Time(seconds, work);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - bytes0;
        return new Throughput(steps / elapsed, (double)bytes / steps, steps);
    }

    public static Throughput MeasureVector(string id, int copies, double seconds)
    {
        var venv = VectorEnvs.Make(id, copies);
        int width = copies * venv.SingleActionSpace.Dimension;
        var actions = Actions(venv.SingleActionSpace, ActionTable);
        venv.Reset(EnvSeed);
        int cursor = 0;
        Work work = () => RunVector(venv, actions, width, ref cursor) * copies;
        Time(seconds * WarmupFraction, work);
        long bytes0 = GC.GetAllocatedBytesForCurrentThread();
        var (elapsed, steps) = Time(seconds, work);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - bytes0;
        return new Throughput(steps / elapsed, (double)bytes / steps, steps);
    }

    private delegate long Work();

    private static (double Seconds, long Steps) Time(double seconds, Work work)
    {
        long steps = 0;
        long start = Stopwatch.GetTimestamp();
        double elapsed;
        do
        {
            steps += work();
            elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        while (elapsed < seconds);
        return (elapsed, steps);
    }

    private static long RunSingle(IEnv env, double[] actions, int dim, ref int cursor)
    {
        int mask = actions.Length - 1;
        int c = cursor;
        for (int i = 0; i < Chunk; i++)
        {
            var r = env.Step(actions.AsSpan((c & mask) / dim * dim, dim));
            c += dim;
            if (r.Done) env.Reset();
        }
        cursor = c;
        return Chunk;
    }

    private static long RunVector(IVectorEnv venv, double[] actions, int width, ref int cursor)
    {
        int n = Chunk / venv.Count;
        int c = cursor;
        for (int i = 0; i < n; i++)
        {
            if (c + width > actions.Length) c = 0;
            venv.Step(actions.AsSpan(c, width));
            c += width;
        }
        cursor = c;
        return n;
    }

    private static double[] Actions(Space space, int count)
    {
        var rng = new Rng(ActionSeed);
        var a = new double[count];
        int dim = space.Dimension;
        for (int i = 0; i + dim <= count; i += dim) space.Sample(rng, a.AsSpan(i, dim));
        return a;
    }
}
