using System.CommandLine;
using NatPolicy.Experiments.Reporting;

namespace NatPolicy.Cli.Verbs;

/// <summary><c>natpolicy report</c>: one self-contained report.html for a run, comparison, benchmark or sweep folder.</summary>
public static class ReportVerb
{
    /// <summary>The <c>report</c> command.</summary>
    public static Command Build(TextWriter stdout)
    {
        var dirArgument = new Argument<string>("DIR") { Description = "A run, comparison, benchmark or sweep folder.", Arity = ArgumentArity.ExactlyOne };
        var command = new Command("report", "Write DIR/report.html: summary tables, figures, configs, per-seed details and an episode of each final policy, in one self-contained page.");
        command.Arguments.Add(dirArgument);
        command.SetAction(p =>
        {
            string dir = p.GetValue(dirArgument)!;
            if (!Directory.Exists(dir)) throw new UsageException($"folder '{dir}' does not exist");
            if (HtmlReport.KindOf(dir) is null)
                throw new UsageException($"folder '{dir}' holds no run (config.json, progress.csv), comparison (comparison.json), benchmark (benchmark.json) or sweep (sweep.json)");
            string path = HtmlReport.Write(dir, Figures.ForReport);
            stdout.WriteLine($"wrote {path}");
            return 0;
        });
        return command;
    }
}
