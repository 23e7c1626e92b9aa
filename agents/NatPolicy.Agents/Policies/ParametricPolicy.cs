using NatPolicy.Core;

namespace NatPolicy.Agents.Policies;

/// <summary>
/// Shared machinery of the feature-map-plus-head policies: owns θ and scratch, runs the feature map, and leaves the
/// per-state distribution maths to the head (<see cref="SoftmaxPolicy"/>, <see cref="GaussianPolicy"/>).
/// Nothing on the hot paths allocates. Not thread-safe (use <see cref="Clone"/>).
/// </summary>
public abstract partial class ParametricPolicy : IDifferentiablePolicy
{
    private readonly double[] _theta;
    private readonly double[] _zA;
    private readonly double[] _zB;
    private readonly double[] _dz;
    private readonly double[] _u;
    private readonly double[] _headState;
    private double[]? _jacobian; // K × P_f, for the dense Fisher
    private double[]? _mj;       // M J, K × P_f
    private double[]? _m;        // K × K

    private protected ParametricPolicy(IFeatureMap featureMap, Space actionSpace, int headParameterCount, PolicyConfig config)
    {
        FeatureMap = featureMap;
        ActionSpace = actionSpace;
        Config = config;
        FeatureParameterCount = featureMap.ParameterCount;
        HeadParameterCount = headParameterCount;
        _theta = new double[FeatureParameterCount + headParameterCount];
        int k = featureMap.OutputDimension;
        _zA = new double[k];
        _zB = new double[k];
        _dz = new double[k];
        _u = new double[k];
        _headState = new double[k];
    }

    public IFeatureMap FeatureMap { get; }
    public Space ActionSpace { get; }
    public PolicyConfig Config { get; }
    public int ObservationDimension => FeatureMap.InputDimension;
    public int ParameterCount => _theta.Length;

    /// <summary>P_f: θ[0, P_f) belongs to the feature map.</summary>
    public int FeatureParameterCount { get; }

    /// <summary>Parameters of the head itself, θ[P_f, P) (Gaussian: log σ per action dimension).</summary>
    public int HeadParameterCount { get; }

    /// <summary>K, the length of z = f_θ(s) (logits or means).</summary>
    public int OutputDimension => FeatureMap.OutputDimension;

    public ReadOnlySpan<double> Parameters => _theta;

    /// <summary>Per-entry Fisher of the head's own parameters (Gaussian log σ: 2); they do not couple with anything else.</summary>
    private protected virtual double HeadParameterFisher => 0;

    /// <inheritdoc/>
    public virtual string? Unusable(ReadOnlySpan<double> theta) => null;

    private ReadOnlySpan<double> FeatureTheta(ReadOnlySpan<double> theta) => theta[..FeatureParameterCount];
    private ReadOnlySpan<double> HeadTheta(ReadOnlySpan<double> theta) => theta[FeatureParameterCount..];

    public void GetParameters(Span<double> theta)
    {
        CheckLength(theta.Length, "theta");
        _theta.CopyTo(theta);
    }

    public void SetParameters(ReadOnlySpan<double> theta)
    {
        CheckLength(theta.Length, "theta");
        theta.CopyTo(_theta);
    }

    public void Sample(ReadOnlySpan<double> observation, Rng rng, Span<double> action)
    {
        FeatureMap.Forward(FeatureTheta(_theta), observation, _zA);
        SampleHead(_zA, HeadTheta(_theta), rng, action);
    }

    /// <summary>One forward pass for both the draw and its log-probability (the bits of Sample then LogProb).</summary>
    public double SampleWithLogProb(ReadOnlySpan<double> observation, Rng rng, Span<double> action)
    {
        FeatureMap.Forward(FeatureTheta(_theta), observation, _zA);
        SampleHead(_zA, HeadTheta(_theta), rng, action);
        return LogProbHead(_zA, HeadTheta(_theta), action);
    }

    public void MeanAction(ReadOnlySpan<double> observation, Span<double> action)
    {
        FeatureMap.Forward(FeatureTheta(_theta), observation, _zA);
        MeanHead(_zA, action);
    }

    public double LogProb(ReadOnlySpan<double> observation, ReadOnlySpan<double> action)
    {
        FeatureMap.Forward(FeatureTheta(_theta), observation, _zA);
        return LogProbHead(_zA, HeadTheta(_theta), action);
    }

    /// <summary>
    /// <see cref="IPolicy.PolicyGradient"/> with the score scratch owned by this policy, so no call after the first
    /// allocates (the interface default rents it from the shared array pool, which may drop it after a collection).
    /// </summary>
    public void PolicyGradient(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, ReadOnlySpan<double> weights, int count,
        Span<double> gradient) =>
        IPolicy.SumScores(this, observations, actions, weights, count, gradient, _gradientScore ??= new double[ParameterCount]);

    private double[]? _gradientScore;

    public double Score(ReadOnlySpan<double> observation, ReadOnlySpan<double> action, Span<double> score)
    {
        CheckLength(score.Length, "score");
        score.Clear();
        return AccumulateScore(observation, action, 1.0, score);
    }

    /// <summary>gradient += weight · ∇θ log π(a|s); returns log π(a|s).</summary>
    private double AccumulateScore(ReadOnlySpan<double> observation, ReadOnlySpan<double> action, double weight, Span<double> gradient)
    {
        ReadOnlySpan<double> ft = FeatureTheta(_theta);
        FeatureMap.Forward(ft, observation, _zA);
        double logProb = ScoreHead(_zA, HeadTheta(_theta), action, weight, _dz, gradient[FeatureParameterCount..]);
        FeatureMap.Vjp(ft, _dz, gradient[..FeatureParameterCount]);
        return logProb;
    }

    public double Entropy(ReadOnlySpan<double> observation)
    {
        FeatureMap.Forward(FeatureTheta(_theta), observation, _zA);
        return EntropyHead(_zA, HeadTheta(_theta));
    }

    public double MeanKl(ReadOnlySpan<double> thetaA, ReadOnlySpan<double> thetaB, ReadOnlySpan<double> observations, int count)
    {
        CheckLength(thetaA.Length, "thetaA");
        CheckLength(thetaB.Length, "thetaB");
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "MeanKl needs at least one state.");
        int n = ObservationDimension;
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<double> s = observations.Slice(i * n, n);
            FeatureMap.Forward(FeatureTheta(thetaA), s, _zA);
            FeatureMap.Forward(FeatureTheta(thetaB), s, _zB);
            sum += KlHead(_zA, HeadTheta(thetaA), _zB, HeadTheta(thetaB));
        }
        return sum / count;
    }

    // ---- batch helpers (rows of observations/actions are row-major; nothing allocated) ----

    public void LogProbs(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, int count, Span<double> logProbs)
    {
        int n = ObservationDimension, d = ActionSpace.Dimension;
        for (int i = 0; i < count; i++)
            logProbs[i] = LogProb(observations.Slice(i * n, n), actions.Slice(i * d, d));
    }

    public void Scores(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, int count, Span<double> scores)
    {
        int n = ObservationDimension, d = ActionSpace.Dimension, p = ParameterCount;
        for (int i = 0; i < count; i++)
            Score(observations.Slice(i * n, n), actions.Slice(i * d, d), scores.Slice(i * p, p));
    }

    public double MeanEntropy(ReadOnlySpan<double> observations, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "the mean entropy needs at least one state.");
        int n = ObservationDimension;
        double sum = 0;
        for (int i = 0; i < count; i++) sum += Entropy(observations.Slice(i * n, n));
        return sum / count;
    }

    // ---- Fisher ----

    public void AddFisherVectorProduct(ReadOnlySpan<double> observation, ReadOnlySpan<double> v, double scale, Span<double> result)
    {
        ReadOnlySpan<double> ft = FeatureTheta(_theta);
        FeatureMap.Forward(ft, observation, _zA);
        FeatureMap.Jvp(ft, v[..FeatureParameterCount], _dz);
        HeadFisherState(_zA, _headState);
        ApplyHeadFisher(_headState, HeadTheta(_theta), _dz, _u);
        for (int k = 0; k < _u.Length; k++) _u[k] *= scale;
        FeatureMap.Vjp(ft, _u, result[..FeatureParameterCount]);
        double h = scale * HeadParameterFisher;
        for (int i = FeatureParameterCount; i < _theta.Length; i++) result[i] += h * v[i];
    }

    public void AddExactFisher(ReadOnlySpan<double> observation, double scale, Span<double> matrix)
    {
        int p = ParameterCount, pf = FeatureParameterCount, k = OutputDimension;
        if (matrix.Length != p * p) throw new ArgumentException($"Fisher matrix needs {p}×{p} entries, got {matrix.Length}.", nameof(matrix));
        _jacobian ??= new double[k * pf];
        _mj ??= new double[k * pf];
        _m ??= new double[k * k];
        ReadOnlySpan<double> ft = FeatureTheta(_theta);
        FeatureMap.Forward(ft, observation, _zA);
        Array.Clear(_jacobian);
        for (int r = 0; r < k; r++)
        {
            Array.Clear(_u);
            _u[r] = 1;
            FeatureMap.Vjp(ft, _u, _jacobian.AsSpan(r * pf, pf));
        }
        HeadFisherMatrix(_zA, HeadTheta(_theta), _m);
        Array.Clear(_mj);
        for (int r = 0; r < k; r++)
            for (int c = 0; c < k; c++)
            {
                double mrc = _m[r * k + c];
                if (mrc == 0) continue;
                Span<double> dst = _mj.AsSpan(r * pf, pf);
                ReadOnlySpan<double> src = _jacobian.AsSpan(c * pf, pf);
                for (int j = 0; j < pf; j++) dst[j] += mrc * src[j];
            }
        for (int r = 0; r < k; r++)
        {
            ReadOnlySpan<double> jr = _jacobian.AsSpan(r * pf, pf), mjr = _mj.AsSpan(r * pf, pf);
            for (int i = 0; i < pf; i++)
            {
                double a = scale * jr[i];
                if (a == 0) continue;
                Span<double> row = matrix.Slice(i * p, pf);
                for (int j = 0; j < pf; j++) row[j] += a * mjr[j];
            }
        }
        double h = scale * HeadParameterFisher;
        for (int i = pf; i < p; i++) matrix[i * p + i] += h;
    }

    /// <summary>
    /// m (K×K row-major) = M, the head's Fisher in z at the given z and the current head parameters (softmax: diag p − p pᵀ;
    /// Gaussian: Σ⁻¹). For curvature approximations that propagate M through the feature map themselves (K-FAC).
    /// </summary>
    public void HeadFisher(ReadOnlySpan<double> z, Span<double> m) => HeadFisherMatrix(z, HeadTheta(_theta), m);

    /// <summary>The head's own parameters' Fisher per entry (Gaussian log σ: 2; softmax: none); they couple with nothing else.</summary>
    public double HeadParameterFisherPerEntry => HeadParameterFisher;

    // ---- head ----

    private protected abstract void SampleHead(ReadOnlySpan<double> z, ReadOnlySpan<double> head, Rng rng, Span<double> action);
    private protected abstract void MeanHead(ReadOnlySpan<double> z, Span<double> action);
    private protected abstract double LogProbHead(ReadOnlySpan<double> z, ReadOnlySpan<double> head, ReadOnlySpan<double> action);

    /// <summary>dz = weight · ∂log π/∂z; headGradient += weight · ∂log π/∂(head params); returns log π.</summary>
    private protected abstract double ScoreHead(ReadOnlySpan<double> z, ReadOnlySpan<double> head, ReadOnlySpan<double> action,
        double weight, Span<double> dz, Span<double> headGradient);

    private protected abstract double EntropyHead(ReadOnlySpan<double> z, ReadOnlySpan<double> head);
    private protected abstract double KlHead(ReadOnlySpan<double> zA, ReadOnlySpan<double> headA, ReadOnlySpan<double> zB, ReadOnlySpan<double> headB);

    /// <summary>
    /// What the head's Fisher in z needs of z, K values (softmax: the probabilities; Gaussian: nothing, its Fisher
    /// depends on log σ alone). It depends on z alone, never on the head's own parameters, so a batch computes it once
    /// per θ and CG's repeated Fisher-vector products at that θ reuse it.
    /// </summary>
    private protected virtual void HeadFisherState(ReadOnlySpan<double> z, Span<double> state) { }

    /// <summary>u = M dz with M the head's Fisher in z, given <paramref name="state"/> = <see cref="HeadFisherState"/>(z).</summary>
    private protected abstract void ApplyHeadFisher(ReadOnlySpan<double> state, ReadOnlySpan<double> head, ReadOnlySpan<double> dz, Span<double> u);

    /// <summary>M (K×K row-major).</summary>
    private protected abstract void HeadFisherMatrix(ReadOnlySpan<double> z, ReadOnlySpan<double> head, Span<double> m);

    private protected abstract ParametricPolicy CreateSibling(IFeatureMap featureMap);

    public IPolicy Clone()
    {
        ParametricPolicy copy = CreateSibling(FeatureMap.Clone());
        copy.SetParameters(_theta);
        return copy;
    }

    public PolicyData ToData()
    {
        double[]? projection = null, phase = null;
        if (FeatureMap is RandomFourierFeatureMap rff)
        {
            projection = rff.Projection.ToArray();
            phase = rff.Phase.ToArray();
        }
        // Hidden sizes are written out explicitly so a later change of the defaults cannot change a saved policy.
        PolicyConfig config = Config.Features == FeatureKind.Mlp ? Config with { HiddenSizes = Config.EffectiveHiddenSizes.ToArray() } : Config;
        return new PolicyData(PolicyData.CurrentFormatVersion, config, ObservationDimension, ActionSpaceData.From(ActionSpace),
            projection, phase, (double[])_theta.Clone());
    }

    private void CheckLength(int length, string name)
    {
        if (length != _theta.Length)
            throw new ArgumentException($"{name} has length {length}; this policy has {_theta.Length} parameters.", name);
    }
}
