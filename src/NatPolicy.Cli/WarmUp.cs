using System.CommandLine;
using System.CommandLine.Parsing;
using NatPolicy.Agents.Training;
using NatPolicy.Cli.Plotting;
using NatPolicy.Core;
using NatPolicy.Envs;
using NatPolicy.Experiments.Configuration;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli;

/// <summary>
/// Start warm, part 4: a training verb's one-time costs paid ahead, on a pool thread, while the main thread resolves the
/// config, opens the run and trains on the other core. For the env and algo named on the command line
/// (<c>--env</c>, <c>--algo</c>; else CartPole-v1 npg) it builds the default run's components and trains one tiny
/// iteration (64 steps: the JIT compiles collection, critic fit and update here, not in the run's first iteration),
/// resolves and writes the config (System.Text.Json's first use alone is about 0.1 s of compilation), hashes it
/// (SHA-256 loads OpenSSL), serialises a checkpoint and policy.json, and, unless <c>--no-plots</c> is given, draws
/// a throw-away figure (loads Skia and the font, compiles the drawing code). Nothing it does is visible: it writes no
/// file and shares no state with the run (what it compiles and loads is the process's, which is the point). Fire and
/// forget: the main thread never waits for it, and it never throws (a real problem shows where the real work meets it).
/// </summary>
internal static class WarmUp
{
    /// <summary>The verbs that train and write figures.</summary>
    private static readonly string[] TrainingVerbs = ["train", "compare", "benchmark", "sweep"];

    /// <summary>
    /// Starts the warm-up for a parsed command line that runs a training verb, on a machine with a second core (else
    /// returns a completed task); the caller does not wait.
    /// </summary>
    public static Task Start(ParseResult parse)
    {
        // On one core the warm-up would only take turns with the run it is meant to speed up.
        // Only a line that runs the verb itself: not help, completion or a line with errors.
        if (Environment.ProcessorCount < 2 || parse.Errors.Count > 0 || parse.Action != parse.CommandResult.Command.Action
            || !IsTraining(parse.CommandResult))
            return Task.CompletedTask;
        bool figures = !Value<bool>(parse, "--no-plots");
        string env = Value<string>(parse, "--env") is { } e && EnvRegistry.TryGetSpec(e) is not null ? e : "CartPole-v1";
        string algo = Value<string>(parse, "--algo") is { } a && TrainConfig.Algos.Contains(a) ? a : "npg";
        return Task.Run(() =>
        {
            try
            {
                Run(env, algo, figures);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Nothing to report: the run itself meets any real problem and says so.
            }
        });
    }

    /// <summary>The warm-up's work, on the calling thread (throws what it meets; <see cref="Start"/> swallows it).</summary>
    internal static void Run(string env, string algo, bool figures)
    {
        // Training first: the main thread meanwhile builds the command line and reads the config (the JSON code).
        var parts = RunComponents.Build(TrainDefaults.For(env, algo) with { StepsPerIteration = 64 });
        parts.Trainer.RunIteration();
        var config = ConfigResolver.Resolve(env, algo, null, null, []);
        string hash = RunFolder.ConfigHash(ConfigJson.Serialize(config));
        var snapshot = new Snapshot();
        parts.Save(snapshot);
        RunFolder.SerializeCheckpoint(Stream.Null, 1, snapshot, hash);
        _ = parts.PolicyJson();
        if (figures) FigureWriter.DrawThrowAway();
    }

    /// <summary>Whether the command or one of its parents (<c>sweep run-task</c>) is a training verb.</summary>
    private static bool IsTraining(CommandResult? command)
    {
        for (; command is not null; command = command.Parent as CommandResult)
            if (TrainingVerbs.Contains(command.Command.Name)) return true;
        return false;
    }

    /// <summary>The parsed value of the command's option <paramref name="name"/>, or the type's default when it has none.</summary>
    private static T? Value<T>(ParseResult parse, string name) =>
        parse.CommandResult.Command.Options.OfType<Option<T>>().FirstOrDefault(o => o.Name == name) is { } option ? parse.GetValue(option) : default;
}
