using System.Text;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Runs;
using static NatPolicy.Experiments.Compare.ReportFormat;

namespace NatPolicy.Experiments.Sweeps;

/// <summary>
/// The aggregate of a sweep, read only from what its cells wrote, group by group in sweep.json order: each group's
/// comparison summary (summary.csv, cells.csv, summary.md in the group folder, as compare writes them) and, in the
/// sweep folder, <c>summary.csv</c> / <c>summary.md</c>: one line per (group, algo) with the env, every override key
/// of the sweep's grid and list (empty where a group does not set it) and compare's per-algo columns.
/// </summary>
public sealed record SweepSummary(Sweep Sweep, IReadOnlyList<ComparisonSummary> Groups)
{
    public const string CsvFile = "summary.csv", MarkdownFile = "summary.md";

    /// <summary>The override keys that name groups, in order of first appearance.</summary>
    public IReadOnlyList<string> Keys => Sweep.Groups.SelectMany(g => g.Overrides.Select(o => o.Key)).Distinct().ToArray();

    /// <summary>Writes every group's summary files and the sweep's table (each atomic).</summary>
    public static SweepSummary Write(Sweep sweep)
    {
        var s = new SweepSummary(sweep, sweep.Comparisons.Select(ComparisonSummary.Write).ToArray());
        RunFolder.WriteAtomic(Path.Combine(sweep.Dir, CsvFile), s.Csv());
        RunFolder.WriteAtomic(Path.Combine(sweep.Dir, MarkdownFile), s.Markdown());
        return s;
    }

    private static string? ValueOf(SweepGroup g, string key) => g.Overrides.LastOrDefault(o => o.Key == key)?.Value;

    public string Csv()
    {
        var sb = new StringBuilder(string.Join(',', Keys.Prepend("group").Prepend("env").Concat(ComparisonSummary.Columns))).Append('\n');
        for (int g = 0; g < Groups.Count; g++)
        {
            var group = Sweep.Groups[g];
            var prefix = new[] { group.Env, group.Name }.Concat(Keys.Select(k => Quote(ValueOf(group, k) ?? "")));
            foreach (var line in Groups[g].Csv().Split('\n').Skip(1).Where(l => l.Length > 0))
                sb.Append(string.Join(',', prefix)).Append(',').Append(line).Append('\n');
        }
        return sb.ToString();
    }

    public string Markdown()
    {
        var sb = new StringBuilder("# Sweep\n\n");
        int done = Groups.Sum(g => g.Cells.Count(c => c.State.Status == CellStatus.Finished));
        sb.Append($"{I(Sweep.Cells.Count)} cells in {I(Groups.Count)} groups, {I(done)} finished. ");
        sb.Append("Each group's folder holds its own summary.md and learning_curves figure; columns as in compare's summary.\n\n");
        sb.Append("| env | ").Append(string.Concat(Keys.Select(k => k + " | "))).Append("algo | budget | seeds | reached threshold | median env steps to threshold | final return, mean [95% CI] | final return, IQM [95% CI] | deterministic evaluation |\n");
        sb.Append("|---|").Append(string.Concat(Keys.Select(_ => "---|"))).Append("---|---|---|---|---|---|---|---|\n");
        for (int g = 0; g < Groups.Count; g++)
        {
            var group = Sweep.Groups[g];
            foreach (var r in Groups[g].Algos)
            {
                sb.Append($"| {group.Env} | ").Append(string.Concat(Keys.Select(k => (ValueOf(group, k) ?? "") + " | ")));
                sb.Append($"{r.Algo} | {N(r.TotalSteps)} | {Seeds(r)} | {Reached(r)} | {Median(r)} | {F(r.FinalMean, "F1")} [{F(r.FinalMeanLow, "F1")}, {F(r.FinalMeanHigh, "F1")}] | ");
                sb.Append($"{F(r.FinalIqm, "F1")} [{F(r.FinalIqmLow, "F1")}, {F(r.FinalIqmHigh, "F1")}] | {Eval(r)} |\n");
            }
        }
        return sb.ToString();
    }

    private static string Quote(string v) => v.Contains(',') || v.Contains('"') ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;
}
