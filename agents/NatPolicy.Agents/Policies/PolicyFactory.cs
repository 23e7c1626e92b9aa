using NatPolicy.Core;

namespace NatPolicy.Agents.Policies;

/// <summary>Builds policies from a <see cref="PolicyConfig"/> (fresh) or from <see cref="PolicyData"/> (saved).</summary>
public static class PolicyFactory
{
    /// <summary>
    /// A new policy for the given observation length and action space: softmax head for <see cref="DiscreteSpace"/>,
    /// Gaussian head for <see cref="BoxSpace"/>. <paramref name="rng"/> draws the random features (rff, projection
    /// first) and then the initial θ (mlp); linear and rff start at θ_f = 0. Throws <see cref="ArgumentException"/>
    /// naming the bad value.
    /// </summary>
    public static ParametricPolicy Create(PolicyConfig config, int observationDimension, Space actionSpace, Rng rng)
    {
        if (config.Explain() is { } problem) throw new ArgumentException(problem, nameof(config));
        if (observationDimension < 0)
            throw new ArgumentOutOfRangeException(nameof(observationDimension), observationDimension, "observation dimension must be ≥ 0.");
        int k = OutputDimension(actionSpace);
        IFeatureMap map = config.Features switch
        {
            FeatureKind.Linear => new LinearFeatureMap(observationDimension, k),
            FeatureKind.Rff => new RandomFourierFeatureMap(observationDimension, k, config.RffFeatureCount, config.RffBandwidth, rng),
            _ => new MlpFeatureMap(observationDimension, config.EffectiveHiddenSizes, k),
        };
        ParametricPolicy policy = Wrap(map, actionSpace, config);
        var theta = new double[policy.ParameterCount];
        map.Initialize(rng, theta);
        if (policy is GaussianPolicy g) g.InitializeHead(theta);
        policy.SetParameters(theta);
        return policy;
    }

    /// <summary>Rebuilds exactly the policy that produced <paramref name="data"/> (same features, same θ bit for bit).</summary>
    public static ParametricPolicy FromData(PolicyData data)
    {
        if (data.FormatVersion != PolicyData.CurrentFormatVersion)
            throw new InvalidDataException($"policy format version {data.FormatVersion} is not supported: expected {PolicyData.CurrentFormatVersion}.");
        if (data.Config.Explain() is { } problem) throw new InvalidDataException($"policy config: {problem}.");
        Space actionSpace = data.ActionSpace.ToSpace();
        int k = OutputDimension(actionSpace);
        int n = data.ObservationDimension;
        IFeatureMap map = data.Config.Features switch
        {
            FeatureKind.Linear => new LinearFeatureMap(n, k),
            FeatureKind.Rff => new RandomFourierFeatureMap(n, k, data.Config.RffBandwidth,
                (double[])(data.RffProjection ?? throw new InvalidDataException("rff policy without RffProjection.")).Clone(),
                (double[])(data.RffPhase ?? throw new InvalidDataException("rff policy without RffPhase.")).Clone()),
            _ => new MlpFeatureMap(n, data.Config.EffectiveHiddenSizes, k),
        };
        ParametricPolicy policy = Wrap(map, actionSpace, data.Config);
        if (data.Parameters.Length != policy.ParameterCount)
            throw new InvalidDataException($"policy has {data.Parameters.Length} parameters; its structure needs {policy.ParameterCount}.");
        policy.SetParameters(data.Parameters);
        return policy;
    }

    /// <summary>Saves as JSON (<see cref="PolicyData.ToJson"/>).</summary>
    public static string ToJson(IDifferentiablePolicy policy) => policy.ToData().ToJson();

    public static ParametricPolicy FromJson(string json) => FromData(PolicyData.FromJson(json));

    private static int OutputDimension(Space actionSpace) => actionSpace switch
    {
        DiscreteSpace d => d.N,
        BoxSpace b => b.Dimension,
        _ => throw new ArgumentException($"unsupported action space {actionSpace}: need Discrete or Box.", nameof(actionSpace)),
    };

    private static ParametricPolicy Wrap(IFeatureMap map, Space actionSpace, PolicyConfig config) => actionSpace switch
    {
        DiscreteSpace d => new SoftmaxPolicy(map, d, config),
        BoxSpace b => new GaussianPolicy(map, b, config),
        _ => throw new ArgumentException($"unsupported action space {actionSpace}: need Discrete or Box.", nameof(actionSpace)),
    };
}
