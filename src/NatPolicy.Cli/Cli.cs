using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using System.CommandLine.Help;
using NatPolicy.Core;
using NatPolicy.Envs.Reference;
using NatPolicy.Cli.Verbs;

namespace NatPolicy.Cli;

/// <summary>
/// The <c>natpolicy</c> program on System.CommandLine: one <see cref="Command"/> per verb (each built by its file under
/// Verbs/ and listed in <see cref="Verbs"/>), <c>--help</c> on every verb (flags with descriptions, defaults and
/// allowed values), <c>--version</c>, the <c>[suggest]</c> completion directive and <c>completion bash|zsh</c>.
/// Exit codes: 0 success, 1 a check failed (e.g. envcheck found a mismatch) or the surroundings failed (disk, permissions,
/// memory: one line saying what to do), 2 bad input: one line on stderr (<c>natpolicy VERB: …</c>), no help dump, no
/// stack trace (the global <c>--debug</c> adds it). <see cref="Fail"/> is the one place that maps exceptions to codes.
/// <para>To add a verb: write <c>static Command Build(TextWriter stdout, TextWriter stderr)</c> in Verbs/ (declare
/// its options with <see cref="Options"/>, read them in <c>SetAction</c> with <c>ParseResult.GetValue</c>, throw
/// <see cref="UsageException"/> (or any <see cref="InputException"/>) for bad input) and add it to <see cref="Verbs"/>. To add an option: create it in the
/// verb's Build, add it to the command, read it in the action.</para>
/// </summary>
public static class Cli
{
    /// <summary>Every verb, in the order help lists them.</summary>
    public static IReadOnlyList<Func<TextWriter, Command>> Verbs { get; } =
    [
        TrainVerb.Build, EvaluateVerb.Build, CompareVerb.Build, SweepVerb.Build, BenchmarkVerb.Build, PlotVerb.Build, RenderVerb.Build,
        ReportVerb.Build, ReproduceVerb.Build, EnvCheckVerb.Build, CheckEnvVerb.Build, BenchVerb.Build, CompletionVerb.Build,
    ];

    /// <summary>The command tree, writing to the given streams.</summary>
    public static RootCommand Root(TextWriter stdout)
    {
        var root = new RootCommand("natpolicy: natural-gradient reinforcement learning on Gymnasium classic control.");
        foreach (var build in Verbs) root.Subcommands.Add(build(stdout));
        root.Options.Add(new Option<bool>(DebugFlag) { Description = "On an error, print the stack trace too.", Arity = ArgumentArity.Zero, Recursive = true });
        // System.CommandLine's own --version reads the entry assembly (a test host's, under tests): print ours.
        root.Options.OfType<VersionOption>().Single().Action = new PrintVersion(stdout);
        return root;
    }

    /// <summary>The package version (the assembly's informational version, without a +commit suffix).</summary>
    public static string Version { get; } =
        typeof(Cli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    private sealed class PrintVersion(TextWriter stdout) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            stdout.WriteLine(Version);
            return 0;
        }
    }

    public static int Run(string[] argv, TextWriter stdout, TextWriter stderr)
    {
        var root = Root(stdout);
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        if (argv.Length == 0 || argv is ["help"])
        {
            root.Parse(["--help"]).Invoke(config);
            if (argv.Length > 0) return 0;
            stderr.WriteLine($"natpolicy: a command is required; commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))}");
            return 2;
        }
        var parse = root.Parse(argv);
        string verb = parse.CommandResult.Command == root ? "natpolicy" : "natpolicy " + parse.CommandResult.Command.Name;
        // Help, version and completion requests win over errors elsewhere on the line, as System.CommandLine intends.
        bool special = parse.Action is HelpAction or PrintVersion || parse.Action?.GetType().Name == "CompletionAction";
        if (parse.Action is HelpAction) Options.CompleteHelp(parse.CommandResult.Command);
        if (!special && parse.Errors.Count > 0)
        {
            stderr.WriteLine($"{verb}: {Message(parse, root)}");
            return 2;
        }
        _ = WarmUp.Start(parse);
        try
        {
            return parse.Invoke(config);
        }
        catch (Exception e)
        {
            return Fail(e, verb, stderr, argv.Contains(DebugFlag));
        }
    }

    /// <summary>The global flag that adds the stack trace to an error.</summary>
    public const string DebugFlag = "--debug";

    /// <summary>
    /// The one error boundary: bad input (<see cref="InputException"/>, or a file that does not parse) is exit 2; a
    /// failure of the surroundings (files, disk, permissions, memory) or of the program is exit 1. Either way one
    /// line on stderr naming the thing and what is allowed or what to do; the stack trace only with --debug.
    /// </summary>
    internal static int Fail(Exception e, string verb, TextWriter stderr, bool debug)
    {
        while (e is AggregateException { InnerExceptions.Count: > 0 } a) e = a.InnerExceptions[0];
        if (e is TargetInvocationException { InnerException: { } inner }) e = inner;
        string message = e.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
        (int code, string line) = e switch
        {
            InputException or FormatException or ReferenceFormatException => (2, message),
            OutOfMemoryException => (1, "out of memory; lower steps_per_iteration, num_envs, the network sizes or --jobs"),
            IOException or UnauthorizedAccessException =>
                (1, $"{message}; check the path, its permissions and the free disk space, then rerun (a run or comparison continues with --resume)"),
            _ => (1, $"internal error ({e.GetType().Name}: {message}); rerun with {DebugFlag} for the stack trace and report it"),
        };
        stderr.WriteLine($"{verb}: {line}");
        if (debug) stderr.WriteLine(e);
        return code;
    }

    /// <summary>The first parse error as one line, worded like the verbs' own messages.</summary>
    private static string Message(ParseResult parse, RootCommand root)
    {
        var command = parse.CommandResult.Command;
        if (command == root)
        {
            string names = string.Join(", ", root.Subcommands.Select(c => c.Name));
            return parse.UnmatchedTokens.Count > 0 || parse.Tokens.Count > 0
                ? $"unknown command '{parse.Tokens[0].Value}'; commands: {names}"
                : $"a command is required; commands: {names}";
        }
        if (parse.UnmatchedTokens.FirstOrDefault(t => t.StartsWith('-')) is { } flag)
        {
            var allowed = command.Options.Where(o => o is not HelpOption).Select(o => o.Name).Order(StringComparer.Ordinal);
            return $"unknown option '{flag.Split('=')[0]}'; allowed: {string.Join(", ", allowed)}";
        }
        if (parse.UnmatchedTokens.Count > 0 && parse.UnmatchedTokens[0] is { } extra)
            return $"unexpected argument '{extra}'";
        return parse.Errors[0].Message.Split('\n')[0].TrimEnd('.');
    }
}
