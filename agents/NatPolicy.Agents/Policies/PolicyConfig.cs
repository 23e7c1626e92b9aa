using System.Text.Json.Serialization;

namespace NatPolicy.Agents.Policies;

/// <summary>Which parametric function sits under the distribution head.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FeatureKind>))]
public enum FeatureKind
{
    /// <summary>z = W s + b.</summary>
    Linear,

    /// <summary>Fixed random Fourier features then a linear layer.</summary>
    Rff,

    /// <summary>tanh MLP with a linear output layer.</summary>
    Mlp,
}

/// <summary>
/// How to build a policy (serialisable; saved inside <see cref="PolicyData"/>). The head follows from the action
/// space: softmax for <c>DiscreteSpace</c>, diagonal Gaussian for <c>BoxSpace</c>.
/// </summary>
/// <param name="Features">linear | rff | mlp.</param>
/// <param name="HiddenSizes">MLP hidden layer widths (null: <see cref="DefaultHiddenSizes"/>); ignored otherwise.</param>
/// <param name="RffFeatureCount">Number m of random Fourier features (≥ 1); rff only.</param>
/// <param name="RffBandwidth">Bandwidth ν &gt; 0 in φ(s) = sin(P s / ν + φ₀), in observation units; rff only.</param>
/// <param name="InitialLogStd">Initial log σ of every Gaussian action dimension (nats); box actions only.</param>
public sealed record PolicyConfig(
    FeatureKind Features = FeatureKind.Linear,
    int[]? HiddenSizes = null,
    int RffFeatureCount = PolicyConfig.DefaultRffFeatureCount,
    double RffBandwidth = PolicyConfig.DefaultRffBandwidth,
    double InitialLogStd = PolicyConfig.DefaultInitialLogStd)
{
    // The defaults are the training config's (one place each: NatPolicy.Agents.Training's spec records).
    public const int DefaultRffFeatureCount = Training.RffPolicyConfig.DefaultFeatures;
    public const double DefaultRffBandwidth = Training.RffPolicyConfig.DefaultBandwidth;
    public const double DefaultInitialLogStd = 0.0;
    public static readonly IReadOnlyList<int> DefaultHiddenSizes = Training.MlpPolicyConfig.DefaultHiddenSizes;

    /// <summary>The hidden sizes in force (<see cref="DefaultHiddenSizes"/> when <see cref="HiddenSizes"/> is null).</summary>
    [JsonIgnore]
    public IReadOnlyList<int> EffectiveHiddenSizes => HiddenSizes ?? DefaultHiddenSizes;

    /// <summary>Parses exactly "linear", "rff" or "mlp" (one spelling each); null when the text is none of them.</summary>
    public static FeatureKind? ParseFeatureKind(string text) => text switch
    {
        "linear" => FeatureKind.Linear,
        "rff" => FeatureKind.Rff,
        "mlp" => FeatureKind.Mlp,
        _ => null,
    };

    /// <summary>One line naming the first invalid field and what is allowed, or null when the config is valid.</summary>
    public string? Explain()
    {
        if (!Enum.IsDefined(Features)) return $"feature kind {(int)Features} is not one of linear, rff, mlp";
        if (Features == FeatureKind.Mlp)
            foreach (int h in EffectiveHiddenSizes)
                if (h < 1) return $"hidden size {h} is invalid: every MLP hidden layer needs ≥ 1 unit";
        if (Features == FeatureKind.Rff)
        {
            if (RffFeatureCount < 1) return $"rff feature count {RffFeatureCount} is invalid: need ≥ 1";
            if (!(RffBandwidth > 0) || double.IsInfinity(RffBandwidth))
                return $"rff bandwidth {NatPolicy.Core.Fmt.D(RffBandwidth)} is invalid: need a finite value > 0";
        }
        if (!double.IsFinite(InitialLogStd)) return $"initial log-std {NatPolicy.Core.Fmt.D(InitialLogStd)} is invalid: need a finite value";
        return null;
    }
}
