using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NatPolicy.Core;

namespace NatPolicy.Agents.Policies;

/// <summary>
/// A policy as plain data (System.Text.Json-friendly; doubles round-trip exactly): enough to rebuild it bit for bit
/// with <see cref="PolicyFactory.FromData"/>. <see cref="RffProjection"/> (m×n row-major) and <see cref="RffPhase"/>
/// (length m) are the fixed random features (rff only, else null). <see cref="Parameters"/> is θ.
/// </summary>
public sealed record PolicyData(
    int FormatVersion,
    PolicyConfig Config,
    int ObservationDimension,
    ActionSpaceData ActionSpace,
    double[]? RffProjection,
    double[]? RffPhase,
    double[] Parameters)
{
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(PolicyDataJson.Default, new DefaultJsonTypeInfoResolver()),
    };

    /// <summary>Indented JSON (what the trainer writes as policy.json).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Parses <see cref="ToJson"/> output; throws <see cref="JsonException"/> or <see cref="InvalidDataException"/> on bad input.</summary>
    public static PolicyData FromJson(string json) =>
        JsonSerializer.Deserialize<PolicyData>(json, Options) ?? throw new InvalidDataException("policy JSON is null.");
}

/// <summary>An action space as data: Kind "discrete" with <see cref="N"/>, or "box" with <see cref="Low"/>/<see cref="High"/>.</summary>
public sealed record ActionSpaceData(string Kind, int N, double[]? Low, double[]? High)
{
    public const string DiscreteKind = "discrete";
    public const string BoxKind = "box";

    public static ActionSpaceData From(Space space) => space switch
    {
        DiscreteSpace d => new ActionSpaceData(DiscreteKind, d.N, null, null),
        BoxSpace b => new ActionSpaceData(BoxKind, b.Dimension, b.Low.ToArray(), b.High.ToArray()),
        _ => throw new ArgumentException($"unsupported action space {space}: need Discrete or Box.", nameof(space)),
    };

    public Space ToSpace() => Kind switch
    {
        DiscreteKind => new DiscreteSpace(N),
        BoxKind when Low is not null && High is not null => new BoxSpace(Low, High),
        _ => throw new InvalidDataException($"action space kind '{Kind}' is not usable: need '{DiscreteKind}' with N or '{BoxKind}' with Low and High."),
    };
}

/// <summary>The policy data's JSON metadata, generated at compile time.</summary>
[JsonSerializable(typeof(PolicyData))]
internal sealed partial class PolicyDataJson : JsonSerializerContext;
