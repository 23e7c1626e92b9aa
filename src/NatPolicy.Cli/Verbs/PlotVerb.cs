using System.CommandLine;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Verbs;

/// <summary><c>natpolicy plot</c>: redraws learning curves from saved run or comparison folders only.</summary>
public static class PlotVerb
{
    /// <summary>The <c>plot</c> command.</summary>
    public static Command Build(TextWriter stdout)
    {
        var dirs = new Argument<string[]>("DIR") { Description = "Run folders (progress.csv) or comparison folders (<algo>/s<seed>/progress.csv).", Arity = ArgumentArity.ZeroOrMore };
        var outOption = Options.Text("--out", "FILE", "Output path (.png and .svg are written). [default: beside the first folder]");
        var command = new Command("plot", "Redraw learning curves from saved run or comparison folders only.");
        command.Arguments.Add(dirs);
        command.Options.Add(outOption);
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
            string written = CompareVerb.Library(() => Figures.Plot(folders, p.GetValue(outOption)));
            stdout.WriteLine($"wrote {written}.png and {written}.svg");
            return 0;
        });
        return command;
    }
}
