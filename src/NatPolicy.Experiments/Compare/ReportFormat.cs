using System.Globalization;
using NatPolicy.Core;

namespace NatPolicy.Experiments.Compare;

/// <summary>Number formats of the summary and benchmark files (invariant culture).</summary>
internal static class ReportFormat
{
    public static string I(long x) => x.ToString(CultureInfo.InvariantCulture);

    public static string I(ulong x) => x.ToString(CultureInfo.InvariantCulture);

    /// <summary>With thousands separators, for markdown.</summary>
    public static string N(long x) => x.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A CSV cell: shortest round-trip, empty for NaN or ±∞.</summary>
    public static string D(double x) => double.IsFinite(x) ? Fmt.D(x) : "";

    /// <summary>A markdown cell: fixed format, "—" for NaN or ±∞.</summary>
    public static string F(double x, string format) => double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "—";

    /// <summary>"3" or "2 of 3" when some planned seeds are unfinished.</summary>
    public static string Seeds(AlgoSummary r) => r.Seeds == r.SeedsPlanned ? I(r.Seeds) : $"{I(r.Seeds)} of {I(r.SeedsPlanned)}";

    /// <summary>"k/n" seeds that reached the threshold, "—" without a threshold.</summary>
    public static string Reached(AlgoSummary r) => double.IsNaN(r.ReachedFraction) ? "—" : $"{Math.Round(r.ReachedFraction * r.Seeds)}/{r.Seeds}";

    public static string Median(AlgoSummary r) => double.IsPositiveInfinity(r.MedianStepsToThreshold) ? "not reached" : F(r.MedianStepsToThreshold, "N0");

    /// <summary>"mean ± std" of the deterministic evaluation over seeds (just the mean for one seed).</summary>
    public static string Eval(AlgoSummary r) => double.IsFinite(r.EvalStd) ? $"{F(r.EvalMean, "F1")} ± {F(r.EvalStd, "F1")}" : F(r.EvalMean, "F1");
}
