using NatPolicy.Core;

namespace NatPolicy.Agents.Policies;

/// <summary>
/// Fixed random Fourier features followed by a linear layer (Rajeswaran et al. 2017):
/// φ(s) = sin(P s / ν + φ₀) with P ∈ ℝ^{m×n}, Pᵢⱼ ~ N(0, 1), φ₀ ~ U(−π, π)ᵐ drawn once at construction, then
/// z = W φ(s) + b. Only (W row-major K×m, b) are parameters: P = K(m + 1). Initialised to zeros.
/// </summary>
public sealed class RandomFourierFeatureMap : IFeatureMap
{
    private readonly double[] _projection;
    private readonly double[] _phase;
    private readonly double[] _features;

    /// <summary>Draws the fixed projection and phases from <paramref name="rng"/> (projection row by row, then phases).</summary>
    public RandomFourierFeatureMap(int inputDimension, int outputDimension, int featureCount, double bandwidth, Rng rng)
        : this(inputDimension, outputDimension, bandwidth, DrawProjection(inputDimension, featureCount, rng), DrawPhase(featureCount, rng))
    {
    }

    /// <summary>Rebuilds a map from stored features: <paramref name="projection"/> is m×n row-major, <paramref name="phase"/> has length m.</summary>
    public RandomFourierFeatureMap(int inputDimension, int outputDimension, double bandwidth, double[] projection, double[] phase)
    {
        if (inputDimension < 0) throw new ArgumentOutOfRangeException(nameof(inputDimension), inputDimension, "input dimension must be ≥ 0.");
        if (outputDimension < 1) throw new ArgumentOutOfRangeException(nameof(outputDimension), outputDimension, "output dimension must be ≥ 1.");
        if (!(bandwidth > 0) || double.IsInfinity(bandwidth))
            throw new ArgumentOutOfRangeException(nameof(bandwidth), bandwidth, "RFF bandwidth ν must be finite and > 0.");
        if (phase.Length < 1) throw new ArgumentException("RFF needs at least one feature.", nameof(phase));
        if (projection.Length != phase.Length * inputDimension)
            throw new ArgumentException($"RFF projection has {projection.Length} entries; expected {phase.Length}×{inputDimension}.", nameof(projection));
        InputDimension = inputDimension;
        OutputDimension = outputDimension;
        Bandwidth = bandwidth;
        _projection = projection;
        _phase = phase;
        _features = new double[phase.Length];
    }

    public int InputDimension { get; }
    public int OutputDimension { get; }
    public int FeatureCount => _phase.Length;
    public double Bandwidth { get; }

    /// <summary>The fixed projection P (m×n row-major). Read-only by contract.</summary>
    public ReadOnlySpan<double> Projection => _projection;

    /// <summary>The fixed phases φ₀ (length m). Read-only by contract.</summary>
    public ReadOnlySpan<double> Phase => _phase;

    public int ParameterCount => Affine.ParameterCount(OutputDimension, FeatureCount);

    public void Initialize(Rng rng, Span<double> theta) => theta[..ParameterCount].Clear();

    /// <summary>φ(s) into <paramref name="features"/> (length m).</summary>
    public void Features(ReadOnlySpan<double> input, Span<double> features)
    {
        int n = InputDimension;
        double inv = 1.0 / Bandwidth;
        for (int k = 0; k < _phase.Length; k++)
        {
            ReadOnlySpan<double> row = _projection.AsSpan(k * n, n);
            double s = 0;
            for (int j = 0; j < n; j++) s += row[j] * input[j];
            features[k] = Math.Sin(s * inv + _phase[k]);
        }
    }

    public void Forward(ReadOnlySpan<double> theta, ReadOnlySpan<double> input, Span<double> output)
    {
        Features(input, _features);
        Affine.Forward(theta, OutputDimension, FeatureCount, _features, output);
    }

    public void Jvp(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Span<double> dOutput) =>
        Affine.Tangent(theta, v, OutputDimension, FeatureCount, _features, [], dOutput);

    public void Vjp(ReadOnlySpan<double> theta, ReadOnlySpan<double> u, Span<double> gradient) =>
        Affine.Backward(theta, OutputDimension, FeatureCount, _features, u, gradient, []);

    public IFeatureMap Clone() => new RandomFourierFeatureMap(InputDimension, OutputDimension, Bandwidth, _projection, _phase);

    // ---- batches: φ(s) of every row once in LoadBatch, then the affine layer on the stored features; each row
    // has the bits of the single-row calls ----

    /// <summary>A batch that also stores φ(s_r) of every loaded row (count × m).</summary>
    private sealed class FeaturesBatch(int capacity, int inputDimension, int featureCount) : FeatureBatch(capacity, inputDimension)
    {
        public double[] Features { get; } = new double[capacity * featureCount];
    }

    public FeatureBatch CreateBatch(int capacity) => new FeaturesBatch(capacity, InputDimension, FeatureCount);

    public void LoadBatch(FeatureBatch batch, ReadOnlySpan<double> inputs, int count)
    {
        batch.Load(inputs, count);
        int m = FeatureCount;
        double[] features = Stored(batch);
        for (int r = 0; r < count; r++) Features(batch.Row(r), features.AsSpan(r * m, m));
    }

    public void ForwardBatch(ReadOnlySpan<double> theta, FeatureBatch batch, Span<double> outputs) =>
        Affine.ForwardRows(theta, OutputDimension, FeatureCount, Stored(batch), batch.Count, outputs);

    public void JvpBatch(ReadOnlySpan<double> theta, FeatureBatch batch, ReadOnlySpan<double> v, Span<double> dOutputs) =>
        Affine.TangentRows(theta, v, OutputDimension, FeatureCount, Stored(batch), batch.Count, dOutputs);

    public void VjpBatch(ReadOnlySpan<double> theta, FeatureBatch batch, ReadOnlySpan<double> u, Span<double> gradient) =>
        Affine.BackwardRows(theta, OutputDimension, FeatureCount, Stored(batch), batch.Count, u, gradient);

    public void WeightedVjpBatch(ReadOnlySpan<double> theta, FeatureBatch batch, ReadOnlySpan<double> u, ReadOnlySpan<double> weights,
        Span<double> gradient) =>
        Affine.WeightedBackwardRows(OutputDimension, FeatureCount, Stored(batch), batch.Count, u, weights, gradient);

    private double[] Stored(FeatureBatch batch) => batch is FeaturesBatch b && b.Features.Length >= batch.Capacity * FeatureCount
        ? b.Features
        : throw new ArgumentException($"this batch was not created by this map's {nameof(CreateBatch)}.", nameof(batch));

    private static double[] DrawProjection(int n, int m, Rng rng)
    {
        if (m < 1) throw new ArgumentOutOfRangeException(nameof(m), m, "RFF feature count must be ≥ 1.");
        var p = new double[m * n];
        for (int i = 0; i < p.Length; i++) p[i] = rng.NextGaussian();
        return p;
    }

    private static double[] DrawPhase(int m, Rng rng)
    {
        var phase = new double[m];
        for (int i = 0; i < m; i++) phase[i] = rng.NextDouble(-Math.PI, Math.PI);
        return phase;
    }
}
