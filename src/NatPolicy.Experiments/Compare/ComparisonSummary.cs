using System.Globalization;
using System.Text;
using static NatPolicy.Experiments.Compare.ReportFormat;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Compare;

/// <summary>
/// One cell's figures, read from its files: the learning curve (progress.csv) and, when finished, the deterministic
/// evaluation of its final policy (eval_final.json).
/// </summary>
public sealed record CellResult(CellState State, SeedCurve? Curve, EvaluationFile? Evaluation)
{
    public ComparisonCell Cell => State.Cell;
}

/// <summary>
/// One algorithm's line of <c>summary.csv</c>, computed only from its finished cells' files. Steps-to-threshold counts
/// a seed that never reached the threshold as +∞ (so the median is +∞, written empty, when at most half the seeds
/// reached it). Final return = mean of return_mean over the last 10% of iterations. Evaluation = per seed the mean
/// return of the deterministic evaluation of the final policy; here their mean and sample standard deviation (n − 1)
/// across seeds.
/// </summary>
public sealed record AlgoSummary(
    string Algo,
    long TotalSteps,
    int SeedsPlanned,
    int Seeds,
    double ReachedFraction,
    double MedianStepsToThreshold,
    double FinalMean,
    double FinalMeanLow,
    double FinalMeanHigh,
    double FinalIqm,
    double FinalIqmLow,
    double FinalIqmHigh,
    double EvalMean,
    double EvalStd,
    double MeanWallSeconds)
{
    /// <param name="cells">The algo's cells; only <see cref="CellStatus.Finished"/> ones are counted.</param>
    public static AlgoSummary Compute(string algo, long totalSteps, IReadOnlyList<CellResult> cells, double? threshold)
    {
        var done = cells.Where(c => c.State.Status == CellStatus.Finished).ToArray();
        var seeds = done.Select(c => c.Curve!).ToArray();
        var finals = seeds.Select(s => s.FinalReturn()).Where(double.IsFinite).ToArray();
        double reached = double.NaN, median = double.NaN;
        if (threshold is { } t && seeds.Length > 0)
        {
            var steps = seeds.Select(s => s.StepsToThreshold(t)).ToArray();
            reached = steps.Count(double.IsFinite) / (double)seeds.Length;
            median = Statistics.Median(steps);
        }
        var evals = done.Select(c => c.Evaluation!.ReturnMean).ToArray();
        var (ml, mh) = Statistics.BootstrapCi(finals, Statistics.Mean);
        var (il, ih) = Statistics.BootstrapCi(finals, Statistics.InterquartileMean);
        return new AlgoSummary(algo, totalSteps, cells.Count, seeds.Length, reached, median,
            Statistics.Mean(finals), ml, mh, Statistics.InterquartileMean(finals), il, ih,
            Statistics.Mean(evals), Statistics.SampleStd(evals),
            seeds.Length == 0 ? double.NaN : seeds.Average(s => s.WallSeconds));
    }
}

/// <summary>
/// The summary of a comparison, from its files only: every cell of comparison.json (and nothing else) with its
/// status; the per-algo lines over the finished cells. <see cref="Write"/> writes <c>summary.csv</c>,
/// <c>cells.csv</c> and <c>summary.md</c>.
/// </summary>
public sealed record ComparisonSummary(ComparisonManifest Manifest, IReadOnlyList<CellResult> Cells, IReadOnlyList<AlgoSummary> Algos)
{
    public const string CsvFile = "summary.csv", CellsFile = "cells.csv", MarkdownFile = "summary.md";

    /// <summary>Reads every cell (refusing a cell whose config.json does not match its recorded hash).</summary>
    public static ComparisonSummary Read(Comparison comparison)
    {
        var cells = comparison.States().Select(s => new CellResult(s,
            s.Status == CellStatus.Missing ? null : SeedCurve.Read(s.Folder),
            s.Status == CellStatus.Finished ? EvaluationFile.Read(Path.Combine(s.Folder, EvaluationFile.FinalFileName)) : null)).ToArray();
        var m = comparison.Manifest;
        var algos = m.Algos.Select(a => AlgoSummary.Compute(a, m.Budget(a), cells.Where(c => c.Cell.Algo == a).ToArray(), m.Threshold)).ToArray();
        return new ComparisonSummary(m, cells, algos);
    }

    /// <summary>Reads the comparison and writes its summary files (atomic each).</summary>
    public static ComparisonSummary Write(Comparison comparison)
    {
        var s = Read(comparison);
        RunFolder.WriteAtomic(Path.Combine(comparison.Dir, CsvFile), s.Csv());
        RunFolder.WriteAtomic(Path.Combine(comparison.Dir, CellsFile), s.CellsCsv());
        RunFolder.WriteAtomic(Path.Combine(comparison.Dir, MarkdownFile), s.Markdown());
        return s;
    }

    /// <summary>The cells that are not in the statistics (not finished).</summary>
    public IReadOnlyList<CellResult> Unfinished => Cells.Where(c => c.State.Status != CellStatus.Finished).ToArray();

    /// <summary>Per algo: the mean learning curve across its finished seeds with a 95% bootstrap band.</summary>
    public IReadOnlyList<(AlgoSummary Algo, MeanCurve Curve)> Curves() =>
        Algos.Select(a => (a, MeanCurve.Compute(a.Algo, Cells.Where(c => c.Cell.Algo == a.Algo && c.State.Status == CellStatus.Finished).Select(c => c.Curve!).ToArray())))
            .ToArray();

    public static IReadOnlyList<string> Columns { get; } =
    [
        "algo", "total_steps", "seeds_planned", "seeds", "reached_fraction", "median_steps_to_threshold", "final_return_mean",
        "final_return_mean_ci_low", "final_return_mean_ci_high", "final_return_iqm", "final_return_iqm_ci_low",
        "final_return_iqm_ci_high", "eval_return_mean", "eval_return_std", "mean_wall_seconds",
    ];

    public static IReadOnlyList<string> CellColumns { get; } =
    [
        "algo", "seed", "total_steps", "status", "env_steps", "steps_to_threshold", "final_return", "eval_return_mean",
        "eval_return_std", "eval_episodes", "wall_seconds", "folder",
    ];

    /// <summary>Cells as in progress.csv: shortest round-trip doubles, empty for NaN or +∞ (not reached).</summary>
    public string Csv()
    {
        var sb = new StringBuilder(string.Join(',', Columns)).Append('\n');
        foreach (var r in Algos)
        {
            sb.Append(r.Algo).Append(',').Append(I(r.TotalSteps)).Append(',').Append(I(r.SeedsPlanned)).Append(',').Append(I(r.Seeds));
            foreach (var x in new[] { r.ReachedFraction, r.MedianStepsToThreshold, r.FinalMean, r.FinalMeanLow, r.FinalMeanHigh,
                         r.FinalIqm, r.FinalIqmLow, r.FinalIqmHigh, r.EvalMean, r.EvalStd, r.MeanWallSeconds })
                sb.Append(',').Append(D(x));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>One line per cell of comparison.json, finished or not (status: missing, partial, trained, finished).</summary>
    public string CellsCsv()
    {
        var sb = new StringBuilder(string.Join(',', CellColumns)).Append('\n');
        foreach (var c in Cells)
        {
            double reached = Manifest.Threshold is { } t && c.Curve is { } curve ? curve.StepsToThreshold(t) : double.NaN;
            sb.Append(c.Cell.Algo).Append(',').Append(I(c.Cell.Seed)).Append(',').Append(I(c.Cell.TotalSteps)).Append(',')
              .Append(c.State.Status.ToString().ToLowerInvariant()).Append(',').Append(I(c.State.EnvSteps)).Append(',')
              .Append(D(reached)).Append(',').Append(D(c.Curve?.FinalReturn() ?? double.NaN)).Append(',')
              .Append(D(c.Evaluation?.ReturnMean ?? double.NaN)).Append(',').Append(D(c.Evaluation?.ReturnStd ?? double.NaN)).Append(',')
              .Append(c.Evaluation is { } e ? I(e.Episodes) : "").Append(',')
              .Append(D(c.Curve?.WallSeconds ?? double.NaN)).Append(',').Append(c.Cell.Folder).Append('\n');
        }
        return sb.ToString();
    }

    public string Markdown()
    {
        var m = Manifest;
        var sb = new StringBuilder();
        sb.Append("# ").Append(m.EnvId).Append(": comparison\n\n");
        sb.Append(m.Threshold is { } t
            ? $"Reward threshold {t.ToString(CultureInfo.InvariantCulture)}. "
            : "No reward threshold is defined for this env. ");
        sb.Append(m.BudgetsDiffer
            ? "**The budgets differ per algo** (set explicitly): " + string.Join(", ", m.Algos.Select(a => $"{a} {N(m.Budget(a))}")) + " env steps per run. "
            : $"Budget: {N(m.Budget(m.Algos[0]))} env steps per run for every algo. ");
        sb.Append($"Seeds {string.Join(", ", m.Seeds.Select(I))}.\n\n");
        sb.Append("Final return = mean `return_mean` over the last 10% of iterations of each seed; ");
        sb.Append("intervals are 95% percentile bootstrap across seeds; IQM = interquartile mean. ");
        sb.Append("A seed that never reached the threshold counts as never (∞) in the median. ");
        sb.Append($"Deterministic evaluation = each seed's final policy acting by its mean action for {I(m.Evaluation.Episodes)} episodes ");
        sb.Append($"(reset seeds {I(m.Evaluation.FirstSeed)}…{I(m.Evaluation.FirstSeed + (ulong)m.Evaluation.Episodes - 1)}), mean ± standard deviation across seeds.\n\n");
        sb.Append("| algo | budget (env steps) | seeds | reached threshold | median env steps to threshold | final return, mean [95% CI] | final return, IQM [95% CI] | deterministic evaluation, mean ± std over seeds | wall s / seed |\n");
        sb.Append("|---|---|---|---|---|---|---|---|---|\n");
        foreach (var r in Algos)
        {
            sb.Append($"| {r.Algo} | {N(r.TotalSteps)} | {Seeds(r)} | {Reached(r)} | {Median(r)} | {F(r.FinalMean, "F1")} [{F(r.FinalMeanLow, "F1")}, {F(r.FinalMeanHigh, "F1")}] | ");
            sb.Append($"{F(r.FinalIqm, "F1")} [{F(r.FinalIqmLow, "F1")}, {F(r.FinalIqmHigh, "F1")}] | {Eval(r)} | {F(r.MeanWallSeconds, "F2")} |\n");
        }
        if (Unfinished.Count > 0)
        {
            sb.Append("\n**Not in the statistics** (unfinished; `natpolicy compare --resume DIR` finishes them): ");
            sb.Append(string.Join("; ", Unfinished.Select(c => $"{c.Cell.Label} {c.State.Status.ToString().ToLowerInvariant()} at {N(c.State.EnvSteps)} of {N(c.Cell.TotalSteps)} env steps")));
            sb.Append(".\n");
        }
        return sb.ToString();
    }
}
