using System.CommandLine;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Curves;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Verbs;

/// <summary><c>natpolicy plot</c>: redraws learning curves, any logged column, or the diagnostics sheet from saved run or comparison folders only.</summary>
public static class PlotVerb
{
    /// <summary>The <c>plot</c> command.</summary>
    public static Command Build(TextWriter stdout)
    {
        var dirs = new Argument<string[]>("DIR") { Description = "Run folders (progress.csv) or comparison folders (<algo>/s<seed>/progress.csv).", Arity = ArgumentArity.ZeroOrMore };
        var outOption = Options.Text("--out", "FILE", "Output path (.png and .svg are written). [default: beside the first folder]");
        var yOption = Options.Text("--y", "COLUMN", "Plot this column of progress.csv or eval.csv instead of the learning curve.", allowed: ColumnSeries.YColumns);
        var xOption = Options.Text("--x", "COLUMN", "The x axis. [default: env_steps]", allowed: ColumnSeries.XColumns);
        var smoothOption = Options.Int("--smooth", "K", "Trailing moving average over K logged rows of each run (the mean of rows t−K+1 … t), before the mean over seeds.", 1, 1);
        var seedsOption = Options.Switch("--seeds", "Also draw each seed of a comparison as a thin line under the mean and band.");
        var diagnosticsOption = Options.Switch("--diagnostics", "Draw the diagnostics sheet: return (and eval return), KL, entropy, step size, accepted fraction, CG residual.");
        var command = new Command("plot", "Redraw learning curves, any logged column, or the diagnostics sheet from saved run or comparison folders only.");
        command.Arguments.Add(dirs);
        foreach (var o in new Option[] { outOption, yOption, xOption, smoothOption, seedsOption, diagnosticsOption }) command.Options.Add(o);
        command.SetAction(p =>
        {
            var folders = p.GetValue(dirs) ?? [];
            if (folders.Length == 0) throw new UsageException("missing at least one run or comparison folder");
            OutputPath.Check("--out", p.GetValue(outOption), folder: false);
            foreach (var dir in folders)
            {
                if (!Directory.Exists(dir)) throw new UsageException($"folder '{dir}' does not exist");
                bool isRun = File.Exists(Path.Combine(dir, RunFolder.ProgressFile));
                bool isComparison = !isRun && Comparison.LooksLikeComparison(dir);
                if (!isRun && !isComparison)
                    throw new UsageException($"folder '{dir}' holds neither a run (progress.csv) nor a comparison (<algo>/s<seed>/progress.csv)");
            }
            string? y = p.GetValue(yOption), x = p.GetValue(xOption);
            bool diagnostics = p.GetValue(diagnosticsOption);
            if (y is not null && !ColumnSeries.YColumns.Contains(y))
                throw new UsageException($"--y '{y}' is not a column; allowed: {string.Join(", ", ColumnSeries.YColumns)}");
            if (x is not null && !ColumnSeries.XColumns.Contains(x))
                throw new UsageException($"--x '{x}' is not allowed; allowed: {string.Join(", ", ColumnSeries.XColumns)}");
            if (y is not null && diagnostics) throw new UsageException("--y and --diagnostics exclude each other (the sheet has its own columns)");
            var request = new PlotRequest(y ?? "return_mean", x ?? "env_steps", p.GetValue(smoothOption) ?? 1, p.GetValue(seedsOption));
            string? outPath = Figures.Strip(p.GetValue(outOption));
            string written;
            if (diagnostics)
            {
                string path = outPath ?? Beside(folders, "diagnostics");
                written = ColumnFigures.Save(ColumnFigures.Diagnostics(folders, request), path);
            }
            else if (y is not null || x is not null || p.Given(smoothOption) || request.Seeds)
            {
                if (ColumnSeries.IsEvalColumn(request.Y) && !folders.Any(d => HasEval(d)))
                    throw new UsageException($"--y {request.Y}: no eval.csv in {string.Join(", ", folders)} (train with --set eval_every=N to evaluate during training)");
                string path = outPath ?? Beside(folders, $"{request.Y}_vs_{request.X}");
                written = ColumnFigures.Save(new Plotting.Figure(ColumnFigures.Panel(folders, request)), path);
            }
            else
            {
                written = Figures.Plot(folders, outPath);
            }
            stdout.WriteLine($"wrote {written}.png and {written}.svg");
            return 0;
        });
        return command;
    }

    /// <summary>True when the run folder, or some run of the comparison folder, has an eval.csv.</summary>
    private static bool HasEval(string dir) =>
        File.Exists(Path.Combine(dir, RunFolder.EvalFile))
        || Directory.EnumerateFiles(dir, RunFolder.EvalFile, SearchOption.AllDirectories).Any();

    private static string Beside(IReadOnlyList<string> folders, string name) =>
        folders.Count == 1 ? Path.Combine(folders[0], name) : Path.Combine("results", "plot_" + name);
}
