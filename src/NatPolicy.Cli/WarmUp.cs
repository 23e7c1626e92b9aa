using NatPolicy.Cli.Plotting;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Configuration;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli;

/// <summary>
/// Start warm, part 4: a training verb's one-time costs paid ahead, on a pool thread, while the main thread parses the
/// command line, resolves the config and trains on the other core. It resolves and writes a default config and
/// builds its run components and policy.json (System.Text.Json's first use alone is about 0.1 s of compilation), hashes
/// with SHA-256 (loads OpenSSL for the config hash), and, unless <c>--no-plots</c> is given, draws a throw-away figure
/// (loads Skia and the font, compiles the drawing code; about 0.2 s). Nothing it does is visible: it writes no file
/// and shares no state with the run (what it compiles and loads is the process's, which is the point). Fire and
/// forget: the main thread never waits for it, and it never throws (a real problem shows where the real work does it).
/// </summary>
internal static class WarmUp
{
    /// <summary>The verbs that train and write figures.</summary>
    private static readonly string[] TrainingVerbs = ["train", "compare", "benchmark", "sweep"];

    /// <summary>Starts the warm-up when <paramref name="argv"/> names a training verb (else a completed task); the caller does not wait.</summary>
    public static Task Start(string[] argv)
    {
        if (argv.Length == 0 || !TrainingVerbs.Contains(argv[0]) || argv.Contains("--help") || argv.Contains("-h")) return Task.CompletedTask;
        bool figures = !argv.Contains("--no-plots");
        return Task.Run(() =>
        {
            try
            {
                Run(figures);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Nothing to report: the run itself meets any real problem and says so.
            }
        });
    }

    /// <summary>The warm-up's work, on the calling thread (throws what it meets; <see cref="Start"/> swallows it).</summary>
    internal static void Run(bool figures)
    {
        var config = ConfigResolver.Resolve("CartPole-v1", "npg", null, null, []);
        _ = ComparisonCell.Hash(config.ToJson());
        _ = RunComponents.Build(config).PolicyJson();
        if (figures) FigureWriter.DrawThrowAway();
    }
}
