using System.Globalization;
using System.Text;
using NatPolicy.Core;

namespace NatPolicy.Experiments.Compare;

/// <summary>
/// One algorithm's line of <c>summary.csv</c>, computed only from the per-seed <c>progress.csv</c> files.
/// Steps-to-threshold counts a seed that never reached the threshold as +∞ (so the median is +∞, written empty,
/// when at most half the seeds reached it). Final return = mean of return_mean over the last 10% of iterations.
/// </summary>
public sealed record AlgoSummary(
    string Algo,
    int Seeds,
    double ReachedFraction,
    double MedianStepsToThreshold,
    double FinalMean,
    double FinalMeanLow,
    double FinalMeanHigh,
    double FinalIqm,
    double FinalIqmLow,
    double FinalIqmHigh,
    double MeanWallSeconds)
{
    public static AlgoSummary Compute(string algo, IReadOnlyList<SeedCurve> seeds, double? threshold)
    {
        var finals = seeds.Select(s => s.FinalReturn()).Where(double.IsFinite).ToArray();
        double reached = double.NaN, median = double.NaN;
        if (threshold is { } t && seeds.Count > 0)
        {
            var steps = seeds.Select(s => s.StepsToThreshold(t)).ToArray();
            reached = steps.Count(double.IsFinite) / (double)seeds.Count;
            median = Statistics.Median(steps);
        }
        var (ml, mh) = Statistics.BootstrapCi(finals, Statistics.Mean);
        var (il, ih) = Statistics.BootstrapCi(finals, Statistics.InterquartileMean);
        return new AlgoSummary(algo, seeds.Count, reached, median,
            Statistics.Mean(finals), ml, mh, Statistics.InterquartileMean(finals), il, ih,
            seeds.Count == 0 ? double.NaN : seeds.Average(s => s.WallSeconds));
    }
}

/// <summary>Writes and reads the comparison's summary files.</summary>
public static class SummaryFiles
{
    public static IReadOnlyList<string> Columns { get; } =
    [
        "algo", "seeds", "reached_fraction", "median_steps_to_threshold", "final_return_mean", "final_return_mean_ci_low",
        "final_return_mean_ci_high", "final_return_iqm", "final_return_iqm_ci_low", "final_return_iqm_ci_high",
        "mean_wall_seconds",
    ];

    /// <summary>Cells as in progress.csv: shortest round-trip doubles, empty for NaN or +∞ (not reached).</summary>
    public static string Csv(IEnumerable<AlgoSummary> rows)
    {
        var sb = new StringBuilder(string.Join(',', Columns)).Append('\n');
        foreach (var r in rows)
        {
            sb.Append(r.Algo).Append(',').Append(r.Seeds.ToString(CultureInfo.InvariantCulture));
            foreach (var x in new[] { r.ReachedFraction, r.MedianStepsToThreshold, r.FinalMean, r.FinalMeanLow, r.FinalMeanHigh,
                         r.FinalIqm, r.FinalIqmLow, r.FinalIqmHigh, r.MeanWallSeconds })
                sb.Append(',').Append(double.IsFinite(x) ? Fmt.D(x) : "");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    public static string Markdown(string envId, double? threshold, IEnumerable<AlgoSummary> rows)
    {
        string F(double x, string format) => double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "—";
        var sb = new StringBuilder();
        sb.Append("# ").Append(envId).Append(": comparison\n\n");
        sb.Append(threshold is { } t
            ? $"Reward threshold {t.ToString(CultureInfo.InvariantCulture)} (Gymnasium's registry). "
            : "No reward threshold is defined for this env. ");
        sb.Append("Final return = mean `return_mean` over the last 10% of iterations of each seed; ");
        sb.Append("intervals are 95% percentile bootstrap across seeds; IQM = interquartile mean. ");
        sb.Append("A seed that never reached the threshold counts as never (∞) in the median.\n\n");
        sb.Append("| algo | seeds | reached threshold | median env steps to threshold | final return, mean [95% CI] | final return, IQM [95% CI] | wall s / seed |\n");
        sb.Append("|---|---|---|---|---|---|---|\n");
        foreach (var r in rows)
        {
            string reached = double.IsNaN(r.ReachedFraction) ? "—" : $"{Math.Round(r.ReachedFraction * r.Seeds)}/{r.Seeds}";
            string median = double.IsPositiveInfinity(r.MedianStepsToThreshold) ? "not reached" : F(r.MedianStepsToThreshold, "N0");
            sb.Append($"| {r.Algo} | {r.Seeds} | {reached} | {median} | {F(r.FinalMean, "F1")} [{F(r.FinalMeanLow, "F1")}, {F(r.FinalMeanHigh, "F1")}] | ");
            sb.Append($"{F(r.FinalIqm, "F1")} [{F(r.FinalIqmLow, "F1")}, {F(r.FinalIqmHigh, "F1")}] | {F(r.MeanWallSeconds, "F2")} |\n");
        }
        return sb.ToString();
    }
}
