namespace NatPolicy.Cli;

/// <summary>
/// The <c>natpolicy</c> program: a verb and its flags. Exit codes: 0 success, 1 a check failed (e.g. envcheck found
/// a mismatch), 2 bad input (one line on stderr, no stack trace).
/// </summary>
public static class Cli
{
    /// <summary>A verb: its name, a one-line summary, and its entry point (arguments after the verb).</summary>
    public sealed record Verb(string Name, string Summary, Func<IReadOnlyList<string>, TextWriter, TextWriter, int> Run);

    public static IReadOnlyList<Verb> Verbs { get; } =
    [
        // Each verb lives in its own file under Verbs/ and is listed here.
        new Verb("train", "train one agent: natpolicy " + global::NatPolicy.Cli.Verbs.TrainVerb.Usage, global::NatPolicy.Cli.Verbs.TrainVerb.Run),
        new Verb("evaluate", "evaluate a saved policy: natpolicy " + global::NatPolicy.Cli.Verbs.EvaluateVerb.Usage, global::NatPolicy.Cli.Verbs.EvaluateVerb.Run),
        new Verb("compare", "compare algorithms across seeds: natpolicy " + global::NatPolicy.Cli.Verbs.CompareVerb.Usage, global::NatPolicy.Cli.Verbs.CompareVerb.Run),
        new Verb("benchmark", global::NatPolicy.Cli.Verbs.BenchmarkVerb.Summary, global::NatPolicy.Cli.Verbs.BenchmarkVerb.Run),
        new Verb("plot", "redraw learning curves from saved folders: natpolicy " + global::NatPolicy.Cli.Verbs.PlotVerb.Usage, global::NatPolicy.Cli.Verbs.PlotVerb.Run),
        new Verb(global::NatPolicy.Cli.Verbs.ReproduceVerb.Name, global::NatPolicy.Cli.Verbs.ReproduceVerb.Summary, global::NatPolicy.Cli.Verbs.ReproduceVerb.Run),
        new Verb("envcheck", EnvCheckVerb.Summary, EnvCheckVerb.Run),
        new Verb(global::NatPolicy.Cli.Verbs.CheckEnvVerb.Name, global::NatPolicy.Cli.Verbs.CheckEnvVerb.Summary, global::NatPolicy.Cli.Verbs.CheckEnvVerb.Run),
        new Verb("bench", BenchVerb.Summary, BenchVerb.Run),
    ];

    public static int Run(string[] argv, TextWriter stdout, TextWriter stderr)
    {
        if (argv.Length == 0 || argv[0] is "-h" or "--help" or "help")
        {
            PrintHelp(stdout);
            return argv.Length == 0 ? 2 : 0;
        }
        if (argv[0] == "--version")
        {
            stdout.WriteLine(Version);
            return 0;
        }
        var verb = Verbs.FirstOrDefault(v => v.Name == argv[0]);
        if (verb is null)
        {
            stderr.WriteLine($"natpolicy: unknown command '{argv[0]}'; commands: {string.Join(", ", Verbs.Select(v => v.Name))}");
            return 2;
        }
        try
        {
            return verb.Run(argv[1..], stdout, stderr);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"natpolicy {verb.Name}: {e.Message}");
            return 2;
        }
    }

    /// <summary>The package version (the assembly's informational version, which the build sets to the package version).</summary>
    public static string Version { get; } =
        typeof(Cli).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";

    private static void PrintHelp(TextWriter o)
    {
        o.WriteLine("natpolicy: natural-gradient reinforcement learning on Gymnasium classic control.");
        o.WriteLine("usage: natpolicy <command> [options]   (natpolicy <command> --help for its options)");
        foreach (var v in Verbs) o.WriteLine($"  {v.Name,-10} {v.Summary}");
    }
}
