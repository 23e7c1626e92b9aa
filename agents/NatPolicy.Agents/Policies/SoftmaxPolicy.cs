using NatPolicy.Core;

namespace NatPolicy.Agents.Policies;

/// <summary>
/// Categorical policy over <see cref="DiscreteSpace"/> actions: π(a|s) = softmax(z)ₐ with logits z = f_θ(s) ∈ ℝᴷ.
/// An action is one double holding the index. θ is exactly the feature map's parameters.
/// </summary>
public sealed class SoftmaxPolicy : ParametricPolicy
{
    private readonly double[] _logP;
    private readonly double[] _logQ;
    private readonly double[] _p;

    public SoftmaxPolicy(IFeatureMap featureMap, DiscreteSpace actionSpace, PolicyConfig config)
        : base(featureMap, actionSpace, 0, config)
    {
        if (featureMap.OutputDimension != actionSpace.N)
            throw new ArgumentException($"softmax over {actionSpace} needs {actionSpace.N} logits; the feature map gives {featureMap.OutputDimension}.");
        _logP = new double[actionSpace.N];
        _logQ = new double[actionSpace.N];
        _p = new double[actionSpace.N];
    }

    /// <summary>log softmax(z) into <paramref name="logP"/>, stable for large logits.</summary>
    public static void LogSoftmax(ReadOnlySpan<double> z, Span<double> logP)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < z.Length; k++) max = Math.Max(max, z[k]);
        double sum = 0;
        for (int k = 0; k < z.Length; k++) sum += Math.Exp(z[k] - max);
        double lse = max + Math.Log(sum);
        for (int k = 0; k < z.Length; k++) logP[k] = z[k] - lse;
    }

    /// <summary>The action probabilities at s (length K).</summary>
    public void Probabilities(ReadOnlySpan<double> observation, Span<double> probabilities)
    {
        Span<double> z = probabilities; // same length K; overwritten by p below
        FeatureMap.Forward(Parameters[..FeatureParameterCount], observation, z);
        Softmax(z, probabilities);
    }

    /// <summary>p = softmax(z) as exp(log softmax(z)); <paramref name="p"/> may be <paramref name="z"/> itself.</summary>
    private void Softmax(ReadOnlySpan<double> z, Span<double> p)
    {
        LogSoftmax(z, _logP);
        for (int k = 0; k < _logP.Length; k++) p[k] = Math.Exp(_logP[k]);
    }

    private static int Index(ReadOnlySpan<double> action, int n)
    {
        double a = action[0];
        int i = (int)a;
        if (i != a || i < 0 || i >= n) throw new ArgumentOutOfRangeException(nameof(action), a, $"a discrete action must be an integer in [0, {n - 1}].");
        return i;
    }

    private protected override void SampleHead(ReadOnlySpan<double> z, ReadOnlySpan<double> head, Rng rng, Span<double> action)
    {
        LogSoftmax(z, _logP);
        double u = rng.NextDouble(), c = 0;
        int last = 0;
        for (int k = 0; k < _logP.Length; k++)
        {
            double p = Math.Exp(_logP[k]);
            if (p <= 0) continue;
            last = k;
            c += p;
            if (u < c)
            {
                action[0] = k;
                return;
            }
        }
        action[0] = last; // rounding left u ≥ Σp: the last action with p > 0
    }

    private protected override void MeanHead(ReadOnlySpan<double> z, Span<double> action)
    {
        int best = 0;
        for (int k = 1; k < z.Length; k++)
            if (z[k] > z[best]) best = k;
        action[0] = best;
    }

    private protected override double LogProbHead(ReadOnlySpan<double> z, ReadOnlySpan<double> head, ReadOnlySpan<double> action)
    {
        LogSoftmax(z, _logP);
        return _logP[Index(action, _logP.Length)];
    }

    private protected override double ScoreHead(ReadOnlySpan<double> z, ReadOnlySpan<double> head, ReadOnlySpan<double> action,
        double weight, Span<double> dz, Span<double> headGradient)
    {
        LogSoftmax(z, _logP);
        int a = Index(action, _logP.Length);
        for (int k = 0; k < dz.Length; k++) dz[k] = -weight * Math.Exp(_logP[k]);
        dz[a] += weight;
        return _logP[a];
    }

    private protected override double EntropyHead(ReadOnlySpan<double> z, ReadOnlySpan<double> head)
    {
        LogSoftmax(z, _logP);
        double h = 0;
        for (int k = 0; k < _logP.Length; k++)
        {
            double p = Math.Exp(_logP[k]);
            if (p > 0) h -= p * _logP[k];
        }
        return h;
    }

    private protected override double KlHead(ReadOnlySpan<double> zA, ReadOnlySpan<double> headA, ReadOnlySpan<double> zB, ReadOnlySpan<double> headB)
    {
        LogSoftmax(zA, _logP);
        LogSoftmax(zB, _logQ);
        double kl = 0;
        for (int k = 0; k < _logP.Length; k++)
        {
            double p = Math.Exp(_logP[k]);
            if (p > 0) kl += p * (_logP[k] - _logQ[k]);
        }
        return Math.Max(kl, 0); // ≥ 0 exactly; rounding can give −1e-17
    }

    /// <summary>The probabilities p = softmax(z).</summary>
    private protected override void HeadFisherState(ReadOnlySpan<double> z, Span<double> state) => Softmax(z, state);

    /// <summary>u = (diag p − p pᵀ) dz = p ⊙ (dz − pᵀdz), with <paramref name="p"/> from <see cref="HeadFisherState"/>.</summary>
    private protected override void ApplyHeadFisher(ReadOnlySpan<double> p, ReadOnlySpan<double> head, ReadOnlySpan<double> dz, Span<double> u)
    {
        double pDz = 0;
        for (int k = 0; k < dz.Length; k++) pDz += p[k] * dz[k];
        for (int k = 0; k < dz.Length; k++) u[k] = p[k] * (dz[k] - pDz);
    }

    /// <summary>M = diag p − p pᵀ.</summary>
    private protected override void HeadFisherMatrix(ReadOnlySpan<double> z, ReadOnlySpan<double> head, Span<double> m)
    {
        Softmax(z, _p);
        int n = _p.Length;
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++) m[r * n + c] = (r == c ? _p[r] : 0) - _p[r] * _p[c];
    }

    private protected override ParametricPolicy CreateSibling(IFeatureMap featureMap) =>
        new SoftmaxPolicy(featureMap, (DiscreteSpace)ActionSpace, Config);
}
