using System.Text.Json;
using System.Text.Json.Serialization;
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
            return f;
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: not a valid policy.json ({e.Message.Split('\n')[0]})");
        }
    }

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
