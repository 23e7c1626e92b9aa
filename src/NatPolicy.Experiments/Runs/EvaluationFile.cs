using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NatPolicy.Envs;

namespace NatPolicy.Experiments.Runs;

/// <summary>
/// How a saved policy is evaluated: <see cref="Episodes"/> whole episodes, episode k reset with seed
/// <see cref="FirstSeed"/> + k (the same episodes for every run, so algorithms are compared on common starts), actions
/// the policy's mean (argmax for softmax) when <see cref="Deterministic"/>, else sampled.
/// </summary>
public sealed record EvaluationSettings(int Episodes, ulong FirstSeed, bool Deterministic)
{
    /// <summary>
    /// Compare's final evaluation: 100 deterministic episodes from reset seeds 1,000,000,000 … 1,000,000,099.
    /// Training resets use 64-bit seeds drawn from each run's seed stream, so a training episode starts from one of
    /// these states only with probability of order 2⁻⁵⁰. 100 episodes cost at most 50,000 env steps (CartPole), well
    /// under a second for a linear or random-feature policy.
    /// </summary>
    public static EvaluationSettings Final { get; } = new(100, 1_000_000_000, true);
}

/// <summary>
/// The JSON record of one evaluation (<c>eval_final.json</c> in a comparison cell, <c>natpolicy evaluate --json</c>):
/// the settings; mean, population standard deviation, min and max of the episode returns; mean episode length; and
/// <c>per_episode</c>, one <c>{seed, return, length}</c> per episode in the order they ran.
/// </summary>
public sealed record EvaluationFile(string EnvId, int Episodes, ulong FirstSeed, bool Deterministic,
    double ReturnMean, double ReturnStd, double ReturnMin, double ReturnMax, double LengthMean,
    IReadOnlyList<EvaluatedEpisode> PerEpisode)
{
    public const string FinalFileName = "eval_final.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(RunFilesJson.Default, new DefaultJsonTypeInfoResolver()),
    };

    public static EvaluationFile From(string envId, EvaluationSettings settings, Evaluation result) =>
        new(envId, settings.Episodes, settings.FirstSeed, settings.Deterministic,
            result.Mean, result.Std, result.Returns.Min(), result.Returns.Max(), result.LengthMean, result.Episodes);

    private static readonly JsonSerializerOptions OneLine = new(Json) { WriteIndented = false };

    public string ToJson(bool indented = true) => JsonSerializer.Serialize(this, indented ? Json : OneLine);

    /// <summary>Reads an evaluation file; a problem is a <see cref="FormatException"/> naming the file.</summary>
    public static EvaluationFile Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<EvaluationFile>(File.ReadAllText(path), Json) ?? throw new FormatException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: malformed ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>Evaluates a run folder's <c>policy.json</c> on its env and writes <c>eval_final.json</c> next to it (atomic).</summary>
    public static EvaluationFile EvaluateFinal(string runFolder, EvaluationSettings settings)
    {
        var folder = new RunFolder(runFolder);
        var file = PolicyFile.Load(folder.Policy);
        var (policy, normalizer) = file.Build();
        var result = Evaluation.Run(EnvRegistry.Make(file.EnvId), policy, normalizer, settings.Episodes, settings.FirstSeed, settings.Deterministic);
        var record = From(file.EnvId, settings, result);
        RunFolder.WriteAtomic(Path.Combine(folder.Path, FinalFileName), record.ToJson());
        return record;
    }
}
