using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NatPolicy.Agents;
using NatPolicy.Agents.Policies;
using NatPolicy.Core;

namespace NatPolicy.Experiments.Runs;

/// <summary>
/// <c>policy.json</c>: everything needed to act — the env it was trained on, the observation normaliser's frozen
/// statistics (null when observations were not normalised) and the policy (structure, fixed random features, θ).
/// </summary>
public sealed record PolicyFile(string EnvId, NormalizerData? ObservationNormalizer, PolicyData Policy)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        TypeInfoResolver = JsonTypeInfoResolver.Combine(RunFilesJson.Default, new DefaultJsonTypeInfoResolver()),
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a policy file; any problem is a <see cref="FormatException"/> with one line naming the file.</summary>
    public static PolicyFile Load(string path)
    {
        if (!File.Exists(path)) throw new FormatException($"policy file '{path}' does not exist");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads the text of a policy file; <paramref name="path"/> names it in the <see cref="FormatException"/> of a problem.</summary>
    public static PolicyFile Parse(string json, string path)
    {
        try
        {
            var f = JsonSerializer.Deserialize<PolicyFile>(json, Json)
                ?? throw new FormatException($"{path}: empty policy file");
            if (f.EnvId is null || f.Policy is null) throw new FormatException($"{path}: not a NatPolicy policy.json (env_id and policy are required)");
            if (f.Problem() is { } problem) throw new FormatException($"{path}: {problem}");
            return f;
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: not a valid policy.json ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>The first missing field or invalid number (θ and features finite, normaliser variances finite and ≥ 0), or null.</summary>
    private string? Problem()
    {
        var p = Policy;
        if (p.Config is null) return "policy.config is missing";
        if (p.ActionSpace is null) return "policy.action_space is missing";
        if (p.Parameters is null || p.Parameters.Length == 0) return "policy.parameters is missing or empty";
        if (p.ObservationDimension < 0) return $"policy.observation_dimension must be ≥ 0 (got {p.ObservationDimension})";
        if (!AllFinite(p.Parameters)) return "policy.parameters holds a non-finite number (NaN or Infinity); allowed: finite numbers";
        if ((p.RffProjection is { } rp && !AllFinite(rp)) || (p.RffPhase is { } ph && !AllFinite(ph)))
            return "the random features hold a non-finite number (NaN or Infinity); allowed: finite numbers";
        if (ObservationNormalizer is { } n)
        {
            if (n.Mean is null || n.Variance is null) return "observation_normalizer needs mean and variance";
            if (n.Mean.Length != p.ObservationDimension || n.Variance.Length != p.ObservationDimension)
                return $"observation_normalizer has {n.Mean.Length} means and {n.Variance.Length} variances; the policy has {p.ObservationDimension} observations";
            if (!AllFinite(n.Mean)) return "observation_normalizer.mean holds a non-finite number; allowed: finite numbers";
            if (n.Variance.Any(v => !double.IsFinite(v) || v < 0)) return "observation_normalizer.variance must hold finite numbers ≥ 0";
            if (!double.IsFinite(n.Count) || n.Count < 0 || !double.IsFinite(n.Epsilon) || n.Epsilon < 0 || !double.IsFinite(n.Clip) || n.Clip <= 0)
                return "observation_normalizer: count and epsilon must be finite and ≥ 0, clip finite and > 0";
        }
        return null;
    }

    private static bool AllFinite(double[] xs) => xs.All(double.IsFinite);

    /// <summary>Rebuilds the policy and the frozen normaliser.</summary>
    public (IPolicy Policy, RunningMeanStd? Normalizer) Build()
    {
        var policy = PolicyFactory.FromData(Policy);
        RunningMeanStd? norm = null;
        if (ObservationNormalizer is { } n)
        {
            norm = new RunningMeanStd(n.Mean.Length, n.Epsilon, n.Clip) { Frozen = true };
            norm.Load(n.Mean, n.Variance, n.Count);
        }
        return (policy, norm);
    }
}

/// <summary>Saved <see cref="RunningMeanStd"/> statistics.</summary>
public sealed record NormalizerData(double[] Mean, double[] Variance, double Count, double Epsilon, double Clip)
{
    public static NormalizerData From(RunningMeanStd s) => new(s.Mean.ToArray(), s.Variance.ToArray(), s.Count, s.Epsilon, s.Clip);
}

/// <summary>
/// The run files' JSON metadata (policy.json, eval JSON, comparison.json), generated at compile time so that a short
/// run does not wait for System.Text.Json to build it by reflection; each file keeps its own options, and other types
/// fall back to reflection.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PolicyFile))]
[JsonSerializable(typeof(EvaluationFile))]
[JsonSerializable(typeof(NatPolicy.Experiments.Compare.ComparisonManifest))]
internal sealed partial class RunFilesJson : JsonSerializerContext;
