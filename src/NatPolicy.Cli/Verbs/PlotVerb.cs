using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Verbs;

/// <summary><c>natpolicy plot</c>: redraws learning curves from saved run or comparison folders only.</summary>
public static class PlotVerb
{
    public const string Usage = "plot DIR [DIR ...] [--out FILE]   (DIR: a run folder or a comparison folder)";

    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr)
    {
        var a = new Args("plot", argv, ["out"], ["help"]);
        if (a.Has("help"))
        {
            stdout.WriteLine("usage: natpolicy " + Usage);
            return 0;
        }
        a.RequirePositional(1, int.MaxValue, "at least one run or comparison folder");
        foreach (var dir in a.Positional)
        {
            if (!Directory.Exists(dir)) throw new UsageException($"folder '{dir}' does not exist");
            bool isRun = File.Exists(Path.Combine(dir, RunFolder.ProgressFile));
            bool isComparison = !isRun && Comparison.LooksLikeComparison(dir);
            if (!isRun && !isComparison)
                throw new UsageException($"folder '{dir}' holds neither a run (progress.csv) nor a comparison (<algo>/s<seed>/progress.csv)");
        }
        string? outPath = a.String("out");
        string written = CompareVerb.Library(() => Figures.Plot(a.Positional, outPath));
        stdout.WriteLine($"wrote {written}.png and {written}.svg");
        return 0;
    }
}
