using System.CommandLine;
using System.Globalization;
using NatPolicy.Core;
using NatPolicy.Envs;
using NatPolicy.Experiments.Configuration;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Verbs;

/// <summary><c>natpolicy evaluate</c>: runs a saved policy for whole episodes and reports the return.</summary>
public static class EvaluateVerb
{
    /// <summary>The <c>evaluate</c> command.</summary>
    public static Command Build(TextWriter stdout)
    {
        var policyOption = Options.Text("--policy", "FILE", "A policy.json written by train, or its run folder (required).");
        var envOption = Options.Text("--env", "ID", "Evaluate on this env instead of the one the policy was trained on.", allowed: ConfigOptions.Envs);
        var episodesOption = Options.Int("--episodes", "N", "Whole episodes to run.", 100, 1);
        var seedOption = Options.Long("--seed", "N", "Seed of the first episode's reset (episode k: + k) and of action sampling; --first-seed is the same option (eval.csv's eval_first_seed). [default: 0]", 0, "must be ≥ 0");
        seedOption.Aliases.Add("--first-seed");
        var deterministicOption = Options.Switch("--deterministic", "Take the mean/argmax action instead of sampling.");
        var jsonOption = Options.Switch("--json", "Print one JSON object (settings, return statistics, and every episode's seed, return and length) instead of a line of text.");
        var recordOption = Options.Text("--record", "FILE.json", "Also write the episodes it ran in the reference-file format (data/gymnasium-reference/README.md), which envcheck replays; needs an env whose state can be read (IStatefulEnv).");
        var command = new Command("evaluate", "Evaluate a saved policy for whole episodes and report the return.");
        foreach (var o in new Option[] { policyOption, envOption, episodesOption, seedOption, deterministicOption, jsonOption, recordOption }) command.Options.Add(o);
        command.SetAction(p => Run(p.GetValue(policyOption), p.GetValue(envOption), p.GetValue(episodesOption)!.Value, p.GetValue(seedOption) ?? 0,
            p.GetValue(deterministicOption), p.GetValue(jsonOption), p.GetValue(recordOption), stdout));
        return command;
    }

    private static int Run(string? policyFlag, string? envFlag, int episodes, long seed, bool deterministic, bool json, string? recordPath, TextWriter stdout)
    {
        string path = policyFlag ?? throw new UsageException("--policy FILE is required (a policy.json written by train)");
        if (path.Length == 0) throw new UsageException("--policy: the path is empty; give a policy.json or its run folder");
        OutputPath.Check("--record", recordPath, folder: false);
        if (Directory.Exists(path)) path = Path.Combine(path, RunFolder.PolicyFile);

        var file = PolicyFile.Load(path); // a malformed file is a FormatException: exit 2 at Cli.Fail
        string envId = envFlag ?? file.EnvId;
        ConfigResolver.CheckEnv(envId);
        var env = EnvRegistry.Make(envId);
        var (policy, normalizer) = Build(file, path);
        if (policy.ObservationDimension != env.ObservationSpace.Dimension || !policy.ActionSpace.Equals(env.ActionSpace))
            throw new UsageException($"policy {path} (trained on {file.EnvId}: {policy.ObservationDimension} observations, actions {policy.ActionSpace}) " +
                $"does not fit {envId} ({env.ObservationSpace.Dimension} observations, actions {env.ActionSpace})");

        var settings = new EvaluationSettings(episodes, (ulong)seed, deterministic);
        Evaluation run;
        if (recordPath is not null)
        {
            if (EnvRegistry.MakeUnwrapped(envId) is not IStatefulEnv)
                throw new UsageException($"--record: {envId} does not implement IStatefulEnv (its state cannot be read), so its episodes cannot be recorded");
            (run, var recording) = Evaluation.RunRecorded(envId, policy, normalizer, episodes, settings.FirstSeed, deterministic);
            try
            {
                recording.Save(recordPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"--record: cannot write '{recordPath}' ({e.Message.ReplaceLineEndings(" ")})");
            }
        }
        else
        {
            run = Evaluation.Run(env, policy, normalizer, episodes, settings.FirstSeed, deterministic);
        }
        var result = EvaluationFile.From(envId, settings, run);
        if (json)
        {
            stdout.WriteLine(result.ToJson(indented: false));
        }
        else
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{envId}: return {result.ReturnMean:F2} ± {result.ReturnStd:F2} (std) over {episodes} episodes ({(deterministic ? "deterministic" : "sampled")} actions), length {result.LengthMean:F1}"));
            if (recordPath is not null) stdout.WriteLine($"recorded {episodes} episodes to {recordPath} (replay: natpolicy envcheck {recordPath})");
        }
        return 0;
    }

    private static (NatPolicy.Agents.IPolicy, RunningMeanStd?) Build(PolicyFile file, string path)
    {
        try
        {
            return file.Build();
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FormatException)
        {
            throw new UsageException($"{path}: the policy cannot be rebuilt ({e.Message.Split('\n')[0]})");
        }
    }
}
