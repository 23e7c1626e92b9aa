using System.Globalization;
using NatPolicy.Cli.Plotting;
using NatPolicy.Envs;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Curves;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli;

/// <summary>
/// Learning-curve figures. They read only the files a run wrote (progress.csv, config.json), never a live trainer,
/// so <c>natpolicy plot</c> redraws exactly what <c>train</c> and <c>compare</c> drew.
/// </summary>
public static class Figures
{
    /// <summary>One colour per algorithm, the same in every figure.</summary>
    public static string AlgoColor(string algo) => algo switch
    {
        "vpg" => "#d62728",
        "npg" => "#1f77b4",
        "trpo" => "#2ca02c",
        _ => "#9467bd",
    };

    /// <summary>A run folder's <c>learning_curve.png/.svg</c>: return per iteration against env steps.</summary>
    public static string SaveLearningCurve(string runDir)
    {
        string path = Path.Combine(runDir, "learning_curve");
        Save(RunPanel([runDir], null), path);
        return path;
    }

    /// <summary>
    /// A comparison folder's <c>learning_curves.png/.svg</c>: per algo the mean across its finished seeds with a 95%
    /// band; the legend gives each algo's seed count, and its budget when the budgets differ.
    /// </summary>
    public static string SaveComparison(string comparisonDir, ComparisonSummary summary)
    {
        string path = Path.Combine(comparisonDir, "learning_curves");
        Save(ComparisonPanel(summary), path);
        return path;
    }

    /// <summary>Redraws one figure from run and/or comparison folders; returns the path without extension.</summary>
    public static string Plot(IReadOnlyList<string> dirs, string? outPath)
    {
        bool allRuns = dirs.All(d => File.Exists(Path.Combine(d, RunFolder.ProgressFile)));
        if (dirs.Count == 1 && !allRuns)
        {
            string p = Strip(outPath) ?? Path.Combine(dirs[0], "learning_curves");
            Save(ComparisonPanel(dirs[0]), p);
            return p;
        }
        string path = Strip(outPath) ?? (dirs.Count == 1 ? Path.Combine(dirs[0], "learning_curve") : Path.Combine("results", "plot"));
        var series = new List<Series>();
        string? env = null;
        int k = 0;
        foreach (var d in dirs)
        {
            env ??= ComparisonFolder.EnvOf(d) ?? FirstRunEnv(d);
            if (File.Exists(Path.Combine(d, RunFolder.ProgressFile)))
            {
                var c = SeedCurve.Read(d);
                string name = Path.GetFileName(Path.GetFullPath(d)), color = FigureWriter.Palette[k++ % FigureWriter.Palette.Count];
                series.Add(new Series(name, c.EnvSteps.Select(x => (double)x).ToArray(), c.Returns) { Color = color });
                series.AddRange(EvalSeries($"{name} eval (deterministic)", [d], color));
            }
            else
            {
                string name = Path.GetFileName(Path.GetFullPath(d));
                var curves = ComparisonManifest.Exists(d)
                    ? ComparisonSummary.Read(Comparison.Open(d)).Curves().Select(c => c.Curve)
                    : ComparisonFolder.Algos(d).Select(algo => MeanCurve.Compute(algo, ComparisonFolder.Seeds(d, algo)));
                foreach (var m in curves)
                    series.Add(MeanSeries(m, $"{name}/{m.Label}", FigureWriter.Palette[k++ % FigureWriter.Palette.Count]));
            }
        }
        Save(WithThreshold(new Panel(env ?? "learning curves", "environment steps", "episode return", series) { Legend = LegendPlacement.OutsideBottom }, env), path);
        return path;
    }

    /// <summary>
    /// The report's figures of a run or comparison folder (<see cref="NatPolicy.Experiments.Reporting.FigureSource"/>):
    /// the learning curves <c>plot DIR</c> draws, as an SVG document; none for another folder.
    /// </summary>
    public static IEnumerable<(string Caption, string Svg)> ForReport(string dir)
    {
        bool run = File.Exists(Path.Combine(dir, RunFolder.ProgressFile));
        if (!run && !Comparison.LooksLikeComparison(dir)) yield break;
        using var s = new MemoryStream();
        FigureWriter.WriteSvg(new Figure(run ? RunPanel([dir], null) : ComparisonPanel(dir)), s);
        yield return (run ? "learning curve: return per iteration" : "learning curves: mean across seeds with 95% band",
            System.Text.Encoding.UTF8.GetString(s.ToArray()));
    }

    private static Panel RunPanel(IReadOnlyList<string> runDirs, string? title)
    {
        var series = runDirs.Select(d =>
        {
            var c = SeedCurve.Read(d);
            return new Series("return_mean", c.EnvSteps.Select(x => (double)x).ToArray(), c.Returns) { Color = AlgoColor(AlgoOf(d)) };
        }).Concat(runDirs.SelectMany(d => EvalSeries("eval_return_mean (deterministic)", [d], AlgoColor(AlgoOf(d))))).ToArray();
        string? env = ComparisonFolder.EnvOf(runDirs[0]);
        string algo = AlgoOf(runDirs[0]);
        return WithThreshold(new Panel(title ?? $"{env} {algo}", "environment steps", "episode return (mean over episodes ending in the iteration)", series)
            { Legend = LegendPlacement.OutsideBottom }, env);
    }

    /// <summary>The panel of a comparison folder: from comparison.json's cells when it has one, else from its <c>&lt;algo&gt;/s&lt;seed&gt;/</c> folders.</summary>
    private static Panel ComparisonPanel(string dir)
    {
        if (ComparisonManifest.Exists(dir)) return ComparisonPanel(ComparisonSummary.Read(Comparison.Open(dir)));
        var algos = ComparisonFolder.Algos(dir);
        string? env = FirstRunEnv(dir);
        int seeds = 0;
        var series = new List<Series>();
        foreach (var algo in algos)
        {
            var runs = ComparisonFolder.Seeds(dir, algo);
            seeds = Math.Max(seeds, runs.Count);
            series.Add(MeanSeries(MeanCurve.Compute(algo, runs), $"{algo} (mean of {runs.Count} seeds, 95% CI)", AlgoColor(algo)));
        }
        foreach (var algo in algos) series.AddRange(EvalSeries($"{algo} eval (deterministic)", ComparisonFolder.SeedFolders(dir, algo), AlgoColor(algo)));
        string title = $"{env ?? Path.GetFileName(dir)}: {string.Join(" vs ", algos)}, {seeds} seeds";
        return WithThreshold(new Panel(title, "environment steps", "episode return", series) { Legend = LegendPlacement.OutsideBottom }, env);
    }

    private static Panel ComparisonPanel(ComparisonSummary summary)
    {
        var m = summary.Manifest;
        bool budgets = m.BudgetsDiffer;
        var series = summary.Curves().Select(c => MeanSeries(c.Curve,
            $"{c.Algo.Algo} (mean of {c.Algo.Seeds} seeds, 95% CI{(budgets ? ", " + c.Algo.TotalSteps.ToString("N0", CultureInfo.InvariantCulture) + " steps" : "")})",
            AlgoColor(c.Algo.Algo))).ToList();
        foreach (var a in summary.Algos)
            series.AddRange(EvalSeries($"{a.Algo} eval (deterministic)", summary.Cells.Where(c => c.Cell.Algo == a.Algo && c.State.Status == CellStatus.Finished).Select(c => c.State.Folder).ToArray(), AlgoColor(a.Algo)));
        var seedCounts = summary.Algos.Select(a => a.Seeds).Distinct().Order().ToArray();
        string seeds = seedCounts.Length == 1 ? $"{seedCounts[0]} seeds" : $"{seedCounts[0]}–{seedCounts[^1]} seeds";
        string budget = budgets
            ? "budgets " + string.Join(", ", m.Algos.Select(a => $"{a} {m.Budget(a).ToString("N0", CultureInfo.InvariantCulture)}"))
            : $"{m.Budget(m.Algos[0]).ToString("N0", CultureInfo.InvariantCulture)} steps each";
        string title = $"{m.EnvId}: {string.Join(" vs ", m.Algos)}, {seeds}, {budget}";
        return WithThreshold(new Panel(title, "environment steps", "episode return", series) { Legend = LegendPlacement.OutsideBottom }, m.Threshold);
    }

    /// <summary>
    /// The evaluations during training of some runs (eval.csv's eval_return_mean, dashed): one run's line, or the mean
    /// of several with its band; nothing when none of them evaluated.
    /// </summary>
    private static IEnumerable<Series> EvalSeries(string label, IReadOnlyList<string> runFolders, string color) =>
        ColumnFigures.GroupSeries(new CurveGroup(label, "", runFolders.Where(r => ColumnSeries.Available(r, "eval_return_mean"))
            .Select(r => ColumnSeries.Read(r, "eval_return_mean")).ToArray()), label, color, dashed: true, seeds: false, seedCount: false);

    private static Series MeanSeries(MeanCurve m, string label, string color) =>
        new(label, m.EnvSteps, m.Mean) { Lower = m.Low, Upper = m.High, Color = color };

    private static Panel WithThreshold(Panel p, string? env) =>
        WithThreshold(p, env is null ? null : EnvRegistry.TryGetSpec(env)?.RewardThreshold);

    private static Panel WithThreshold(Panel p, double? threshold) => threshold is not { } t ? p
        : p with { ReferenceLines = [new ReferenceLine(t, "threshold " + t.ToString(CultureInfo.InvariantCulture))] };

    private static string AlgoOf(string runDir)
    {
        string path = Path.Combine(runDir, RunFolder.ConfigFile);
        if (!File.Exists(path)) return "";
        try
        {
            return NatPolicy.Experiments.Configuration.ConfigResolver.Load(File.ReadAllText(path), path).AlgoName;
        }
        catch (NatPolicy.Agents.Training.ConfigException)
        {
            return "";
        }
    }

    private static string? FirstRunEnv(string comparisonDir)
    {
        foreach (var algo in ComparisonFolder.Algos(comparisonDir))
            foreach (var s in Directory.GetDirectories(Path.Combine(comparisonDir, algo), "s*"))
                if (ComparisonFolder.EnvOf(s) is { } e) return e;
        return null;
    }

    /// <summary>An output path without its .png/.svg extension (both are written).</summary>
    internal static string? Strip(string? p) =>
        p is null ? null : p.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) ? p[..^4] : p;

    private static void Save(Panel panel, string pathWithoutExtension) =>
        FigureWriter.Save(new Figure(panel), pathWithoutExtension);
}
