using System.Diagnostics;
using NatPolicy.Agents;
using NatPolicy.Agents.Training;
using NatPolicy.Agents.Updates;
using NatPolicy.Core;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Reproductions;

/// <summary>One arm of a race: its label and its config for a seed.</summary>
public sealed record RaceArm(string Label, Func<ulong, TrainConfig> Config);

/// <summary>
/// One run of a race: its curve (stopped at the first iteration whose return ≥ the threshold, or at the cap) and
/// the wall-clock seconds of each iteration and of each iteration's update phase (the <see cref="IPolicyUpdate"/>
/// call: direction, step, line search).
/// </summary>
public sealed record RaceRun(SeedCurve Curve, double[] IterationSeconds, double[] UpdateSeconds);

/// <summary>One arm's runs (seed k at index k) and their across-seed summary.</summary>
public sealed record RaceArmResult(string Label, IReadOnlyList<RaceRun> Runs, SeedSummary Summary)
{
    /// <summary>Median over every iteration of every seed of the whole iteration's seconds (collection, critic, gradient, update).</summary>
    public double MedianIterationSeconds => Statistics.Median(Runs.SelectMany(r => r.IterationSeconds).ToArray());

    /// <summary>Median over every iteration of every seed of the update phase's seconds.</summary>
    public double MedianUpdateSeconds => Statistics.Median(Runs.SelectMany(r => r.UpdateSeconds).ToArray());

    public IReadOnlyList<SeedCurve> Curves => Runs.Select(r => r.Curve).ToArray();
}

/// <summary>
/// Trains arms × seeds until each run's mean episode return first reaches a threshold (or an env-step cap), timing
/// every iteration and its update phase. Jobs are queued alternating arms (arm A seed 0, arm B seed 0, …, arm A
/// seed 1, …) so that the arms share the machine's load side by side; each run is single-threaded and fixed by
/// its config, so curves do not depend on the thread schedule (only the timings do).
/// </summary>
public static class ThresholdRace
{
    /// <summary>Runs every arm over seeds 0 … <paramref name="seeds"/> − 1; result k belongs to arm k.</summary>
    public static RaceArmResult[] Run(IReadOnlyList<RaceArm> arms, int seeds, double threshold, long maxSteps, int maxParallelism)
    {
        var jobs = Enumerable.Range(0, seeds).SelectMany(seed => arms.Select((arm, a) => (Arm: a, Seed: seed))).ToArray();
        var runs = new RaceRun[arms.Count, seeds];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxParallelism };
        Parallel.ForEach(Partitioner(jobs), options, job =>
            runs[job.Arm, job.Seed] = Train(arms[job.Arm].Label, arms[job.Arm].Config((ulong)job.Seed), threshold, maxSteps));
        return arms.Select((arm, a) =>
        {
            var armRuns = Enumerable.Range(0, seeds).Select(s => runs[a, s]).ToArray();
            return new RaceArmResult(arm.Label, armRuns, SeedSummary.Of(armRuns.Select(r => r.Curve).ToArray(), threshold));
        }).ToArray();
    }

    /// <summary>Hands jobs out one at a time in queue order (so the alternation of arms is kept).</summary>
    private static System.Collections.Concurrent.OrderablePartitioner<T> Partitioner<T>(T[] items) =>
        System.Collections.Concurrent.Partitioner.Create(items, loadBalance: true);

    /// <summary>One run: iterations until the return (carried forward over iterations without a finished episode) reaches <paramref name="threshold"/> or the env steps reach <paramref name="maxSteps"/>.</summary>
    public static RaceRun Train(string label, TrainConfig config, double threshold, long maxSteps)
    {
        var clock = Stopwatch.StartNew();
        TimedUpdate? timed = null;
        var parts = RunComponents.Build(config, update: p => timed = new TimedUpdate(RunComponents.Update(config.Algo, p, config.Gamma)));
        var rows = new List<IterationLog>();
        var iterationSeconds = new List<double>();
        var updateSeconds = new List<double>();
        double last = double.NaN;
        while (parts.Trainer.EnvSteps < maxSteps && !(last >= threshold))
        {
            long start = Stopwatch.GetTimestamp();
            var row = parts.Trainer.RunIteration();
            iterationSeconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            updateSeconds.Add(timed!.LastSeconds);
            rows.Add(row);
            if (!double.IsNaN(row.ReturnMean)) last = row.ReturnMean;
        }
        return new RaceRun(TrainingCurves.FromLog(label, rows, clock.Elapsed.TotalSeconds), [.. iterationSeconds], [.. updateSeconds]);
    }

    /// <summary>An update rule timed by the wall clock; it changes nothing else.</summary>
    private sealed class TimedUpdate(IPolicyUpdate inner) : IPolicyUpdate
    {
        /// <summary>Seconds of the last <see cref="Update"/> call.</summary>
        public double LastSeconds { get; private set; }

        public UpdateResult Update(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient)
        {
            long start = Stopwatch.GetTimestamp();
            var result = inner.Update(policy, batch, gradient);
            LastSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            return result;
        }

        public bool CanSnapshot => inner.CanSnapshot;

        public void Save(Snapshot into) => inner.Save(into);

        public void Load(SnapshotReader from) => inner.Load(from);
    }
}
