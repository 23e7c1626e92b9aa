using NatPolicy.Core;

namespace NatPolicy.Agents.Policies;

/// <summary>
/// Diagonal Gaussian policy over <see cref="BoxSpace"/> actions: a ~ N(μ, diag σ²) with mean μ = f_θ(s) ∈ ℝᴰ and
/// state-independent log σ ∈ ℝᴰ stored as the last D entries of θ. Samples and the mean action are not clipped to
/// the box (the environment or the trainer clips; log-probabilities are of the unclipped draw).
/// </summary>
public sealed class GaussianPolicy : ParametricPolicy
{
    /// <summary>½ log(2π).</summary>
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>Fisher of each log σ entry: E[(((a−μ)/σ)² − 1)²] = 2.</summary>
    public const double LogStdFisher = 2.0;

    private readonly double _initialLogStd;

    public GaussianPolicy(IFeatureMap featureMap, BoxSpace actionSpace, PolicyConfig config)
        : base(featureMap, actionSpace, actionSpace.Dimension, config)
    {
        if (featureMap.OutputDimension != actionSpace.Dimension)
            throw new ArgumentException($"a Gaussian over {actionSpace} needs {actionSpace.Dimension} means; the feature map gives {featureMap.OutputDimension}.");
        _initialLogStd = config.InitialLogStd;
    }

    public int ActionDimension => OutputDimension;

    /// <summary>θ[P_f, P): the log standard deviations.</summary>
    public ReadOnlySpan<double> LogStd => Parameters[FeatureParameterCount..];

    /// <summary>
    /// The largest log σ an update may reach: σ = e²⁰ ≈ 4.9·10⁸ is far beyond any classic-control action scale, and
    /// below it μ + σ·ε stays finite for every finite μ and ε the sampler draws (overflow needs log σ ≳ 709).
    /// </summary>
    public const double MaxLogStd = 20;

    /// <inheritdoc/>
    public override string? Unusable(ReadOnlySpan<double> theta)
    {
        foreach (double logStd in theta[FeatureParameterCount..])
            if (!(logStd <= MaxLogStd))
                return $"log σ {Core.Fmt.G(logStd)} above {Core.Fmt.G(MaxLogStd)} (Gaussian samples could overflow)";
        return null;
    }

    private protected override double HeadParameterFisher => LogStdFisher;

    /// <summary>Writes the configured initial log σ into the head part of <paramref name="theta"/>.</summary>
    internal void InitializeHead(Span<double> theta) => theta[FeatureParameterCount..].Fill(_initialLogStd);

    private protected override void SampleHead(ReadOnlySpan<double> z, ReadOnlySpan<double> head, Rng rng, Span<double> action)
    {
        for (int i = 0; i < z.Length; i++) action[i] = z[i] + Math.Exp(head[i]) * rng.NextGaussian();
    }

    private protected override void MeanHead(ReadOnlySpan<double> z, Span<double> action) => z.CopyTo(action);

    private protected override double LogProbHead(ReadOnlySpan<double> z, ReadOnlySpan<double> head, ReadOnlySpan<double> action)
    {
        double lp = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double e = (action[i] - z[i]) * Math.Exp(-head[i]);
            lp += -0.5 * e * e - head[i] - HalfLog2Pi;
        }
        return lp;
    }

    private protected override double ScoreHead(ReadOnlySpan<double> z, ReadOnlySpan<double> head, ReadOnlySpan<double> action,
        double weight, Span<double> dz, Span<double> headGradient)
    {
        double lp = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double invSigma = Math.Exp(-head[i]);
            double e = (action[i] - z[i]) * invSigma;
            lp += -0.5 * e * e - head[i] - HalfLog2Pi;
            dz[i] = weight * e * invSigma;             // ∂/∂μ = (a − μ)/σ²
            headGradient[i] += weight * (e * e - 1);   // ∂/∂log σ = ((a − μ)/σ)² − 1
        }
        return lp;
    }

    private protected override double EntropyHead(ReadOnlySpan<double> z, ReadOnlySpan<double> head)
    {
        double h = 0;
        for (int i = 0; i < head.Length; i++) h += head[i] + 0.5 + HalfLog2Pi;
        return h;
    }

    private protected override double KlHead(ReadOnlySpan<double> zA, ReadOnlySpan<double> headA, ReadOnlySpan<double> zB, ReadOnlySpan<double> headB)
    {
        double kl = 0;
        for (int i = 0; i < zA.Length; i++)
        {
            double ratio = Math.Exp(2 * (headA[i] - headB[i])); // σa²/σb²
            double d = (zA[i] - zB[i]) * Math.Exp(-headB[i]);
            kl += headB[i] - headA[i] + 0.5 * (ratio + d * d - 1);
        }
        return Math.Max(kl, 0);
    }

    private protected override void ApplyHeadFisher(ReadOnlySpan<double> state, ReadOnlySpan<double> head, ReadOnlySpan<double> dz, Span<double> u)
    {
        for (int i = 0; i < dz.Length; i++) u[i] = dz[i] * Math.Exp(-2 * head[i]);
    }

    private protected override void HeadFisherMatrix(ReadOnlySpan<double> z, ReadOnlySpan<double> head, Span<double> m)
    {
        int d = head.Length;
        m[..(d * d)].Clear();
        for (int i = 0; i < d; i++) m[i * d + i] = Math.Exp(-2 * head[i]);
    }

    private protected override ParametricPolicy CreateSibling(IFeatureMap featureMap) =>
        new GaussianPolicy(featureMap, (BoxSpace)ActionSpace, Config);
}
