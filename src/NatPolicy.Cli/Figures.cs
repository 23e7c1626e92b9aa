using System.Globalization;
using NatPolicy.Cli.Plotting;
using NatPolicy.Envs;
using NatPolicy.Experiments.Compare;
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
        Save(RunPanel([runDir], null), Path.GetFileName(runDir), path);
        return path;
    }

    /// <summary>A comparison folder's <c>learning_curves.png/.svg</c>: per algo the mean across seeds with a 95% band.</summary>
    public static string SaveComparison(string comparisonDir)
    {
        string path = Path.Combine(comparisonDir, "learning_curves");
        var (panel, title) = ComparisonPanel(comparisonDir);
        Save(panel, title, path);
        return path;
    }

    /// <summary>Redraws one figure from run and/or comparison folders; returns the path without extension.</summary>
    public static string Plot(IReadOnlyList<string> dirs, string? outPath)
    {
        bool allRuns = dirs.All(d => File.Exists(Path.Combine(d, RunFolder.ProgressFile)));
        if (dirs.Count == 1 && !allRuns)
        {
            string p = Strip(outPath) ?? Path.Combine(dirs[0], "learning_curves");
            var (panel, title) = ComparisonPanel(dirs[0]);
            Save(panel, title, p);
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
                series.Add(new Series(Path.GetFileName(Path.GetFullPath(d)), c.EnvSteps.Select(x => (double)x).ToArray(), c.Returns)
                    { Color = FigureWriter.Palette[k++ % FigureWriter.Palette.Count] });
            }
            else
            {
                foreach (var algo in ComparisonFolder.Algos(d))
                {
                    var m = MeanCurve.Compute($"{Path.GetFileName(Path.GetFullPath(d))}/{algo}", ComparisonFolder.Seeds(d, algo));
                    series.Add(new Series(m.Label, m.EnvSteps, m.Mean) { Lower = m.Low, Upper = m.High, Color = FigureWriter.Palette[k++ % FigureWriter.Palette.Count] });
                }
            }
        }
        Save(WithThreshold(new Panel(env ?? "learning curves", "environment steps", "episode return", series), env), env ?? "learning curves", path);
        return path;
    }

    private static Panel RunPanel(IReadOnlyList<string> runDirs, string? title)
    {
        var series = runDirs.Select(d =>
        {
            var c = SeedCurve.Read(d);
            return new Series("return_mean", c.EnvSteps.Select(x => (double)x).ToArray(), c.Returns) { Color = AlgoColor(AlgoOf(d)) };
        }).ToArray();
        string? env = ComparisonFolder.EnvOf(runDirs[0]);
        string algo = AlgoOf(runDirs[0]);
        return WithThreshold(new Panel(title ?? $"{env} {algo}", "environment steps", "episode return (mean over episodes ending in the iteration)", series)
            { Legend = LegendPlacement.BottomRight }, env);
    }

    private static (Panel Panel, string Title) ComparisonPanel(string dir)
    {
        var info = ComparisonInfo.Exists(dir) ? ComparisonInfo.Read(dir) : null;
        var algos = info?.Algos.Where(a => ComparisonFolder.Algos(dir).Contains(a)).ToArray() ?? ComparisonFolder.Algos(dir);
        string? env = info?.EnvId ?? FirstRunEnv(dir);
        int seeds = 0;
        var series = new List<Series>();
        foreach (var algo in algos)
        {
            var runs = ComparisonFolder.Seeds(dir, algo);
            seeds = Math.Max(seeds, runs.Count);
            var m = MeanCurve.Compute(algo, runs);
            series.Add(new Series($"{algo} (mean of {runs.Count} seeds, 95% CI)", m.EnvSteps, m.Mean)
                { Lower = m.Low, Upper = m.High, Color = AlgoColor(algo) });
        }
        string title = $"{env ?? Path.GetFileName(dir)}: {string.Join(" vs ", algos)}, {seeds} seeds";
        var panel = new Panel(title, "environment steps", "episode return", series) { Legend = LegendPlacement.BottomRight };
        return (info is null ? WithThreshold(panel, env) : WithThreshold(panel, info.Threshold), title);
    }

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

    private static string? Strip(string? p) =>
        p is null ? null : p.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) ? p[..^4] : p;

    private static void Save(Panel panel, string title, string pathWithoutExtension) =>
        FigureWriter.Save(new Figure(panel) { Title = null }, pathWithoutExtension);
}
