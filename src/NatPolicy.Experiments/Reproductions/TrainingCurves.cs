using System.Diagnostics;
using NatPolicy.Agents.Training;
using NatPolicy.Core;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Reproductions;

/// <summary>One training run of a reproduction: its config and an optional observation transform (see <see cref="RunComponents.Build"/>).</summary>
public sealed record TrainingJob(string Label, TrainConfig Config, Func<IVectorEnv, IVectorEnv>? ObservationTransform = null);

/// <summary>
/// Trains independent runs in memory (no run folder) and turns their iteration logs into <see cref="SeedCurve"/>s.
/// Runs are spread over threads, but each run is single-threaded and fully determined by its config, so the results
/// do not depend on the thread schedule.
/// </summary>
public static class TrainingCurves
{
    /// <summary>Trains one job to its <c>total_steps</c> and returns its curve (Folder = the job's label).</summary>
    public static SeedCurve Train(TrainingJob job)
    {
        var clock = Stopwatch.StartNew();
        var parts = RunComponents.Build(job.Config, job.ObservationTransform);
        var rows = new List<IterationLog>();
        while (parts.Trainer.EnvSteps < job.Config.TotalSteps) rows.Add(parts.Trainer.RunIteration());
        return FromLog(job.Label, rows, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Trains every job (up to <paramref name="maxParallelism"/> at a time; null: one per core); result k belongs to job k.</summary>
    public static SeedCurve[] TrainAll(IReadOnlyList<TrainingJob> jobs, int? maxParallelism = null)
    {
        var curves = new SeedCurve[jobs.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxParallelism ?? Environment.ProcessorCount };
        Parallel.For(0, jobs.Count, options, k => curves[k] = Train(jobs[k]));
        return curves;
    }

    /// <summary>
    /// The curve of a log, as <see cref="SeedCurve.Read"/> builds it from progress.csv: an iteration without a
    /// finished episode carries the previous return forward (NaN before the first one).
    /// </summary>
    public static SeedCurve FromLog(string label, IReadOnlyList<IterationLog> rows, double wallSeconds)
    {
        var steps = new long[rows.Count];
        var returns = new double[rows.Count];
        double last = double.NaN;
        for (int i = 0; i < rows.Count; i++)
        {
            steps[i] = rows[i].EnvSteps;
            if (!double.IsNaN(rows[i].ReturnMean)) last = rows[i].ReturnMean;
            returns[i] = last;
        }
        return new SeedCurve(label, steps, returns, wallSeconds);
    }
}

/// <summary>Across-seed summary of one configuration's curves.</summary>
/// <param name="StepsToThreshold">Per seed: env steps at the first iteration with return ≥ threshold (+∞: never).</param>
/// <param name="FinalReturns">Per seed: <see cref="SeedCurve.FinalReturn"/>.</param>
public sealed record SeedSummary(double Threshold, double[] StepsToThreshold, double[] FinalReturns)
{
    public static SeedSummary Of(IReadOnlyList<SeedCurve> seeds, double threshold) =>
        new(threshold, seeds.Select(s => s.StepsToThreshold(threshold)).ToArray(), seeds.Select(s => s.FinalReturn()).ToArray());

    /// <summary>Median of <see cref="StepsToThreshold"/>, a seed that never reached counting as +∞.</summary>
    public double MedianSteps => Statistics.Median(StepsToThreshold);

    /// <summary>Share of seeds that reached the threshold.</summary>
    public double ReachedFraction => StepsToThreshold.Count(double.IsFinite) / (double)StepsToThreshold.Length;

    public double MeanFinalReturn => Statistics.Mean(FinalReturns);

    /// <summary>Sample standard deviation (n − 1) of the final returns over seeds.</summary>
    public double StdFinalReturn => Statistics.SampleStd(FinalReturns);

    /// <summary>Sample standard deviation of steps-to-threshold over the seeds that reached it (NaN if fewer than two).</summary>
    public double StdStepsReached => Statistics.SampleStd(StepsToThreshold.Where(double.IsFinite).ToArray());

    /// <summary>Interquartile range of steps-to-threshold (+∞ entries sort last; +∞ when more than a quarter never reached).</summary>
    public double IqrSteps
    {
        get
        {
            var s = StepsToThreshold.Order().ToArray();
            double hi = Statistics.Quantile(s, 0.75), lo = Statistics.Quantile(s, 0.25);
            return double.IsFinite(hi) ? hi - lo : double.PositiveInfinity;
        }
    }
}
