using System.Globalization;
using NatPolicy.Core;
using NatPolicy.Envs;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Verbs;

/// <summary><c>natpolicy evaluate</c>: runs a saved policy for whole episodes and reports the return.</summary>
public static class EvaluateVerb
{
    public const string Usage = "evaluate --policy DIR/policy.json [--env ID] [--episodes 100] [--seed N] [--deterministic] [--json] [--record FILE.json]";

    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr)
    {
        var a = new Args("evaluate", argv, ["policy", "env", "episodes", "seed", "record"], ["deterministic", "json", "help"]);
        if (a.Has("help"))
        {
            stdout.WriteLine("usage: natpolicy " + Usage);
            return 0;
        }
        a.RequirePositional(0, 0, "only --flags");
        string path = a.String("policy") ?? throw new UsageException("--policy FILE is required (a policy.json written by train)");
        if (Directory.Exists(path)) path = Path.Combine(path, RunFolder.PolicyFile);
        int episodes = a.Int("episodes") ?? 100;
        if (episodes < 1) throw new UsageException($"--episodes must be at least 1 (got {episodes})");
        long seed = a.Long("seed") ?? 0;
        if (seed < 0) throw new UsageException($"--seed must be ≥ 0 (got {seed})");

        PolicyFile file;
        try
        {
            file = PolicyFile.Load(path);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
        string envId = a.String("env") ?? file.EnvId;
        ConfigResolver.CheckEnv(envId);
        var env = EnvRegistry.Make(envId);
        var (policy, normalizer) = Build(file, path);
        if (policy.ObservationDimension != env.ObservationSpace.Dimension || !policy.ActionSpace.Equals(env.ActionSpace))
            throw new UsageException($"policy {path} (trained on {file.EnvId}: {policy.ObservationDimension} observations, actions {policy.ActionSpace}) " +
                $"does not fit {envId} ({env.ObservationSpace.Dimension} observations, actions {env.ActionSpace})");

        var settings = new EvaluationSettings(episodes, (ulong)seed, a.Has("deterministic"));
        Evaluation run;
        if (a.String("record") is { } recordPath)
        {
            if (EnvRegistry.MakeUnwrapped(envId) is not IStatefulEnv)
                throw new UsageException($"--record: {envId} does not implement IStatefulEnv (its state cannot be read), so its episodes cannot be recorded");
            (run, var recording) = Evaluation.RunRecorded(envId, policy, normalizer, episodes, settings.FirstSeed, settings.Deterministic);
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
            run = Evaluation.Run(env, policy, normalizer, episodes, settings.FirstSeed, settings.Deterministic);
        }
        var result = EvaluationFile.From(envId, settings, run);
        if (a.Has("json"))
        {
            stdout.WriteLine(result.ToJson(indented: false));
        }
        else
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{envId}: return {result.ReturnMean:F2} ± {result.ReturnStd:F2} (std) over {episodes} episodes ({(settings.Deterministic ? "deterministic" : "sampled")} actions), length {result.LengthMean:F1}"));
            if (a.String("record") is { } recorded) stdout.WriteLine($"recorded {episodes} episodes to {recorded} (replay: natpolicy envcheck {recorded})");
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
