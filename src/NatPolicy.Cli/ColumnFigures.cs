using System.Globalization;
using NatPolicy.Cli.Plotting;
using NatPolicy.Envs;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Curves;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli;

/// <summary>
/// What <c>natpolicy plot</c> draws from run and comparison folders: column <see cref="Y"/> against <see cref="X"/>
/// (<see cref="ColumnSeries.YColumns"/>, <see cref="ColumnSeries.XColumns"/>), each run smoothed by a trailing mean
/// of <see cref="Smooth"/> rows (<see cref="Smoothing.Trailing"/>), with each seed's own thin line under the mean and
/// band when <see cref="Seeds"/>.
/// </summary>
public sealed record PlotRequest(string Y = "return_mean", string X = "env_steps", int Smooth = 1, bool Seeds = false);

/// <summary>
/// Figures of any logged column (drawing only; the data come from <see cref="CurveGroup"/>): one panel of a
/// <see cref="PlotRequest"/>, and the diagnostics sheet. A run folder is one curve; a comparison folder one curve per
/// algo, the mean of its seeds with a 95% bootstrap band. The return panels also show the evaluations during
/// training (eval.csv, dashed) when the runs have them. Legends sit below the plot area.
/// </summary>
public static class ColumnFigures
{
    /// <summary>The diagnostics sheet's columns, in panel order (return, KL, entropy, step size, accepted fraction, CG residual).</summary>
    public static IReadOnlyList<string> DiagnosticColumns { get; } = ["return_mean", "kl", "entropy", "step_size", "accepted", "cg_residual"];

    /// <summary>One panel: <see cref="PlotRequest.Y"/> against <see cref="PlotRequest.X"/> for every folder.</summary>
    public static Panel Panel(IReadOnlyList<string> dirs, PlotRequest request)
    {
        var sources = Sources(dirs);
        string? env = sources.Select(s => s.Env).FirstOrDefault(e => e is not null);
        string title = $"{env ?? "runs"}: {request.Y} vs {request.X}{SmoothNote(request)}";
        return ColumnPanel(sources, request, request.Y, title, env);
    }

    /// <summary>
    /// The diagnostics sheet: one panel per <see cref="DiagnosticColumns"/> entry (3 per row) against
    /// <see cref="PlotRequest.X"/>, smoothed as requested (<see cref="PlotRequest.Y"/> is not used).
    /// </summary>
    public static Figure Diagnostics(IReadOnlyList<string> dirs, PlotRequest request)
    {
        var sources = Sources(dirs);
        string? env = sources.Select(s => s.Env).FirstOrDefault(e => e is not null);
        // One legend, under the return panel, which has the most entries (the eval curves); the others are the same.
        var panels = DiagnosticColumns.Select((y, i) => ColumnPanel(sources, request, y, Describe(y), env) is var p && i == 0 ? p : p with { Legend = LegendPlacement.None }).ToArray();
        return new Figure(panels) { Columns = 3, Title = $"{env ?? "runs"}: training diagnostics{SmoothNote(request)}", PanelWidth = 600, PanelHeight = 450 };
    }

    /// <summary>Writes <c>{path}.png</c> and <c>{path}.svg</c> of one panel or sheet.</summary>
    public static string Save(Figure figure, string pathWithoutExtension)
    {
        FigureWriter.Save(figure, pathWithoutExtension);
        return pathWithoutExtension;
    }

    /// <summary>One curve source: a folder's group (a run, or an algo of a comparison) with its label and colour.</summary>
    private sealed record Source(string Dir, string Group, string Label, string Color, string? Env);

    private static List<Source> Sources(IReadOnlyList<string> dirs)
    {
        var raw = new List<(string Dir, string Group, string Algo, string Label, string? Env)>();
        foreach (var d in dirs)
        {
            string name = Path.GetFileName(Path.GetFullPath(d));
            if (File.Exists(Path.Combine(d, RunFolder.ProgressFile)))
            {
                raw.Add((d, name, ComparisonFolder.AlgoOf(d) ?? "", name, ComparisonFolder.EnvOf(d)));
                continue;
            }
            foreach (var (algo, folders) in ComparisonFolder.RunFolders(d))
                raw.Add((d, algo, algo, dirs.Count > 1 ? $"{name}/{algo}" : algo, folders.Select(ComparisonFolder.EnvOf).FirstOrDefault(e => e is not null)));
        }
        // The algo colours of every other figure when they tell the curves apart, else the palette in order.
        bool byAlgo = raw.All(r => r.Algo.Length > 0) && raw.Select(r => r.Algo).Distinct().Count() == raw.Count;
        return raw.Select((r, i) => new Source(r.Dir, r.Group, r.Label,
            byAlgo ? Figures.AlgoColor(r.Algo) : FigureWriter.Palette[i % FigureWriter.Palette.Count], r.Env)).ToList();
    }

    private static Panel ColumnPanel(IReadOnlyList<Source> sources, PlotRequest request, string y, string title, string? env)
    {
        var series = new List<Series>();
        series.AddRange(Curves(sources, y, request, dashed: false, ""));
        if (y == "return_mean")
            series.AddRange(Curves(sources, "eval_return_mean", request with { Seeds = false }, dashed: true, " eval"));
        bool empty = series.All(s => !s.Y.Any(double.IsFinite));
        var panel = new Panel(empty ? title + " (not logged)" : title, XTitle(request.X), y, series)
        {
            Legend = LegendPlacement.OutsideBottom,
            YScale = y == "cg_residual" && !empty && series.Any(s => s.Y.Any(v => v > 0)) ? AxisScale.Log10 : AxisScale.Linear,
            YMin = y == "accepted" ? 0 : null,
            YMax = y == "accepted" ? 1.05 : null,
        };
        double? threshold = y is "return_mean" or "eval_return_mean" && env is not null ? EnvRegistry.TryGetSpec(env)?.RewardThreshold : null;
        return threshold is { } t ? panel with { ReferenceLines = [new ReferenceLine(t, "threshold " + t.ToString(CultureInfo.InvariantCulture))] } : panel;
    }

    /// <summary>
    /// Per source: per-seed thin lines (when asked), then the mean of the seeds with its band, or the one run's line;
    /// nothing for a source without that column's file.
    /// </summary>
    private static IEnumerable<Series> Curves(IReadOnlyList<Source> sources, string y, PlotRequest request, bool dashed, string suffix)
    {
        var groups = sources.Select(s => s.Dir).Distinct()
            .ToDictionary(d => d, d => CurveGroup.Read(d, y, request.X, request.Smooth));
        foreach (var source in sources)
        {
            var group = groups[source.Dir].SingleOrDefault(g => g.Name == source.Group);
            if (group is null) continue;
            // An eval curve's legend entry stays short: the training curve of the same colour gives the seed count.
            foreach (var series in GroupSeries(group, source.Label + suffix, source.Color, dashed, request.Seeds, seedCount: !dashed)) yield return series;
        }
    }

    /// <summary>
    /// The series of one group: the one run's line, or (each seed's thin line when <paramref name="seeds"/>, then) the
    /// mean of the seeds with its 95% band, labelled with the seed count when <paramref name="seedCount"/>.
    /// </summary>
    internal static IEnumerable<Series> GroupSeries(CurveGroup group, string label, string color, bool dashed, bool seeds, bool seedCount = true)
    {
        if (group.Seeds.Count == 0) yield break;
        if (group.Seeds.Count == 1)
        {
            yield return new Series(label, group.Seeds[0].Xs, group.Seeds[0].Ys) { Color = color, Dashed = dashed };
            yield break;
        }
        if (seeds)
            foreach (var seed in group.Seeds)
                yield return new Series(null, seed.Xs, seed.Ys) { Color = "#70" + color[1..], Thickness = 0.8, Dashed = dashed };
        var band = group.Band();
        yield return new Series(seedCount ? $"{label} (mean of {group.Seeds.Count} seeds, 95% CI)" : label, band.X, band.Mean)
            { Lower = band.Low, Upper = band.High, Color = color, Dashed = dashed };
    }

    private static string XTitle(string x) => x switch
    {
        "iteration" => "iteration",
        "wall_seconds" => "wall-clock seconds",
        _ => "environment steps",
    };

    private static string Describe(string y) => y switch
    {
        "return_mean" => "episode return",
        "kl" => "KL(π_old ‖ π_new), batch mean",
        "entropy" => "policy entropy, batch mean",
        "step_size" => "step size",
        "accepted" => "accepted fraction",
        "cg_residual" => "CG residual ‖r‖",
        _ => y,
    };

    private static string SmoothNote(PlotRequest r) => r.Smooth > 1 ? $", trailing mean of {r.Smooth} rows" : "";
}
