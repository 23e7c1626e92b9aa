using NatPolicy.Agents.Kernels;
using NatPolicy.Core;

namespace NatPolicy.Agents.Policies;

/// <summary>
/// Multilayer perceptron: hidden layers hₗ = tanh(Wₗ hₗ₋₁ + bₗ) (h₀ = s), then a linear output z = W_L h_{L−1} + b_L.
/// θ holds the layers in order, each as (W row-major out×in, b). Hand-written forward, JVP (forward-mode tangent) and
/// VJP (backprop), per row and over blocks of rows (<see cref="CreateBatch"/>), with <see cref="Dense"/>'s kernels and
/// <see cref="Activation.Tanh(double)"/>: every pre-activation is its bias plus the products Wᵢⱼxⱼ added in increasing
/// j (a tangent: db, then dW x, then W dx, each in increasing j; a back-propagated δ: Σᵢ uᵢWᵢⱼ in increasing i; a
/// gradient entry: its row terms in increasing row), so a row has the same bits alone, in a block, and on every SIMD
/// width. Initialisation: Wₗ ~ N(0, (g²/fan_in)) with g = <see cref="HiddenGain"/> for hidden layers and
/// g = <see cref="OutputGain"/> for the output layer (so the initial policy is near uniform / near zero mean); biases 0.
/// </summary>
public sealed class MlpFeatureMap : IFeatureMap
{
    /// <summary>Weight scale for hidden layers (relative to 1/√fan_in).</summary>
    public const double HiddenGain = 1.0;

    /// <summary>Weight scale for the output layer (relative to 1/√fan_in): small, so initial logits/means are ≈ 0.</summary>
    public const double OutputGain = 0.01;

    /// <summary>Rows a batch call carries through all layers at a time (its tangents and cotangents stay in cache).</summary>
    internal const int ChunkRows = 64;

    private readonly int[] _sizes;     // n, h₁, …, h_{L−1}, K
    private readonly int[] _offsets;   // start of layer l's parameters in θ
    private readonly double[][] _act;  // act[l] = input of layer l (act[0] = s), length sizes[l]
    private readonly double[][] _tan;  // tangents of act[l] (JVP)
    private readonly double[][] _delta; // cotangents of act[l] (VJP)

    public MlpFeatureMap(int inputDimension, IReadOnlyList<int> hiddenSizes, int outputDimension)
    {
        if (inputDimension < 0) throw new ArgumentOutOfRangeException(nameof(inputDimension), inputDimension, "input dimension must be ≥ 0.");
        if (outputDimension < 1) throw new ArgumentOutOfRangeException(nameof(outputDimension), outputDimension, "output dimension must be ≥ 1.");
        foreach (int h in hiddenSizes)
            if (h < 1) throw new ArgumentOutOfRangeException(nameof(hiddenSizes), h, "every hidden layer size must be ≥ 1.");
        _sizes = [inputDimension, .. hiddenSizes, outputDimension];
        int layers = _sizes.Length - 1;
        _offsets = new int[layers + 1];
        for (int l = 0; l < layers; l++) _offsets[l + 1] = _offsets[l] + Affine.ParameterCount(_sizes[l + 1], _sizes[l]);
        _act = new double[layers][];
        _tan = new double[layers][];
        _delta = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            _act[l] = new double[_sizes[l]];
            _tan[l] = new double[_sizes[l]];
            _delta[l] = new double[_sizes[l]];
        }
        HiddenSizes = hiddenSizes.ToArray();
    }

    public int InputDimension => _sizes[0];
    public int OutputDimension => _sizes[^1];
    public int ParameterCount => _offsets[^1];
    public IReadOnlyList<int> HiddenSizes { get; }
    private int Layers => _sizes.Length - 1;

    public void Initialize(Rng rng, Span<double> theta)
    {
        for (int l = 0; l < Layers; l++)
        {
            int rows = _sizes[l + 1], cols = _sizes[l];
            double gain = l == Layers - 1 ? OutputGain : HiddenGain;
            double scale = gain / Math.Sqrt(Math.Max(cols, 1));
            Span<double> p = theta.Slice(_offsets[l], Affine.ParameterCount(rows, cols));
            for (int i = 0; i < rows * cols; i++) p[i] = scale * rng.NextGaussian();
            p[(rows * cols)..].Clear();
        }
    }

    private ReadOnlySpan<double> Weights(ReadOnlySpan<double> theta, int l) => theta.Slice(_offsets[l], _sizes[l + 1] * _sizes[l]);
    private ReadOnlySpan<double> Biases(ReadOnlySpan<double> theta, int l) => theta.Slice(_offsets[l + 1] - _sizes[l + 1], _sizes[l + 1]);
    private Span<double> Weights(Span<double> theta, int l) => theta.Slice(_offsets[l], _sizes[l + 1] * _sizes[l]);
    private Span<double> Biases(Span<double> theta, int l) => theta.Slice(_offsets[l + 1] - _sizes[l + 1], _sizes[l + 1]);

    public void Forward(ReadOnlySpan<double> theta, ReadOnlySpan<double> input, Span<double> output)
    {
        input[..InputDimension].CopyTo(_act[0]);
        for (int l = 0; l < Layers; l++)
        {
            int rows = _sizes[l + 1], cols = _sizes[l];
            Span<double> y = l == Layers - 1 ? output[..rows] : _act[l + 1];
            Biases(theta, l).CopyTo(y);
            Dense.RowDotsAdd(Weights(theta, l), rows, cols, _act[l], y);
            if (l < Layers - 1) Activation.Tanh(y);
        }
    }

    public void Jvp(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Span<double> dOutput)
    {
        for (int l = 0; l < Layers; l++)
        {
            int rows = _sizes[l + 1], cols = _sizes[l];
            Span<double> t = l == Layers - 1 ? dOutput[..rows] : _tan[l + 1];
            Biases(v, l).CopyTo(t);
            Dense.RowDotsAdd(Weights(v, l), rows, cols, _act[l], t);
            if (l > 0) Dense.RowDotsAdd(Weights(theta, l), rows, cols, _tan[l], t);
            if (l < Layers - 1) Activation.ScaleByTanhDerivative(t, _act[l + 1]);
        }
    }

    public void Vjp(ReadOnlySpan<double> theta, ReadOnlySpan<double> u, Span<double> gradient)
    {
        ReadOnlySpan<double> delta = u[..OutputDimension];
        for (int l = Layers - 1; l >= 0; l--)
        {
            int rows = _sizes[l + 1], cols = _sizes[l];
            Dense.OuterAdd(delta, 1, rows, _act[l], cols, Weights(gradient, l));
            Dense.ColumnSumsAdd(delta, 1, rows, Biases(gradient, l));
            if (l == 0) break;
            double[] dx = _delta[l];
            Array.Clear(dx);
            Dense.MultiplyAdd(delta, 1, rows, Weights(theta, l), cols, dx);
            Activation.ScaleByTanhDerivative(dx, _act[l]);
            delta = dx;
        }
    }

    public IFeatureMap Clone() => new MlpFeatureMap(InputDimension, HiddenSizes, OutputDimension);

    // ---- batches ----

    /// <summary>A block of rows with every hidden activation kept (capacity × Σ hidden widths doubles) and the transposed weights of the last forward pass.</summary>
    public FeatureBatch CreateBatch(int capacity) => new MlpBatch(this, capacity);

    public void LoadBatch(FeatureBatch batch, ReadOnlySpan<double> inputs, int count) => Own(batch).Load(inputs, count);

    /// <summary>
    /// Layer by layer on chunks of <see cref="ChunkRows"/> rows: H = tanh(X Wᵀ + b) with Wᵀ transposed once per call
    /// (kept for <see cref="JvpBatch"/>), in <see cref="Dense.MultiplyAdd"/>'s order, so row r has <see cref="Forward"/>'s bits.
    /// </summary>
    public void ForwardBatch(ReadOnlySpan<double> theta, FeatureBatch batch, Span<double> outputs)
    {
        var b = Own(batch);
        for (int l = 0; l < Layers; l++) Dense.Transpose(Weights(theta, l), _sizes[l + 1], _sizes[l], b.WeightsT[l]);
        for (int r0 = 0; r0 < b.Count; r0 += ChunkRows)
        {
            int rows = Math.Min(ChunkRows, b.Count - r0);
            for (int l = 0; l < Layers; l++)
            {
                int outs = _sizes[l + 1], ins = _sizes[l];
                Span<double> y = l == Layers - 1 ? outputs.Slice(r0 * outs, rows * outs) : b.Hidden(l + 1, r0, rows);
                Dense.FillRows(Biases(theta, l), rows, y);
                Dense.MultiplyAdd(b.Input(l, r0, rows), rows, ins, b.WeightsT[l], outs, y);
                if (l < Layers - 1) Activation.Tanh(y);
            }
        }
    }

    /// <summary>Tangents row by row as <see cref="Jvp"/> (db, then X dWᵀ, then dX Wᵀ, then the tanh derivative), at the activations and Wᵀ of the last <see cref="ForwardBatch"/>.</summary>
    public void JvpBatch(ReadOnlySpan<double> theta, FeatureBatch batch, ReadOnlySpan<double> v, Span<double> dOutputs)
    {
        var b = Own(batch);
        for (int l = 0; l < Layers; l++) Dense.Transpose(Weights(v, l), _sizes[l + 1], _sizes[l], b.DirectionT[l]);
        for (int r0 = 0; r0 < b.Count; r0 += ChunkRows)
        {
            int rows = Math.Min(ChunkRows, b.Count - r0);
            Span<double> previous = [];
            for (int l = 0; l < Layers; l++)
            {
                int outs = _sizes[l + 1], ins = _sizes[l];
                Span<double> t = l == Layers - 1 ? dOutputs.Slice(r0 * outs, rows * outs) : b.Scratch(l % 2, rows * outs);
                Dense.FillRows(Biases(v, l), rows, t);
                Dense.MultiplyAdd(b.Input(l, r0, rows), rows, ins, b.DirectionT[l], outs, t);
                if (l > 0) Dense.MultiplyAdd(previous, rows, ins, b.WeightsT[l], outs, t);
                if (l < Layers - 1) Activation.ScaleByTanhDerivative(t, b.Input(l + 1, r0, rows));
                previous = t;
            }
        }
    }

    /// <summary>Back-propagation chunk by chunk in increasing row order (so every gradient entry gets its row terms in increasing r, as successive <see cref="Vjp"/> calls).</summary>
    public void VjpBatch(ReadOnlySpan<double> theta, FeatureBatch batch, ReadOnlySpan<double> u, Span<double> gradient)
    {
        var b = Own(batch);
        int k = OutputDimension;
        for (int r0 = 0; r0 < b.Count; r0 += ChunkRows)
        {
            int rows = Math.Min(ChunkRows, b.Count - r0);
            ReadOnlySpan<double> delta = u.Slice(r0 * k, rows * k);
            for (int l = Layers - 1; l >= 0; l--)
            {
                int outs = _sizes[l + 1], ins = _sizes[l];
                ReadOnlySpan<double> x = b.Input(l, r0, rows);
                Dense.OuterAdd(delta, rows, outs, x, ins, Weights(gradient, l));
                Dense.ColumnSumsAdd(delta, rows, outs, Biases(gradient, l));
                if (l == 0) break;
                Span<double> dx = b.Scratch(l % 2, rows * ins);
                dx.Clear();
                Dense.MultiplyAdd(delta, rows, outs, Weights(theta, l), ins, dx);
                Activation.ScaleByTanhDerivative(dx, x);
                delta = dx;
            }
        }
    }

    /// <summary>
    /// gradient += Σ_r (∂z_r/∂θ)ᵀ (c_r u_r): each row's cotangent is scaled by c_r first and the scaled rows are
    /// back-propagated as one <see cref="VjpBatch"/> (rows with c_r = 0 contribute exact zeros). This differs from the
    /// interface default's rounding (score first, then c_r times it) and is this map's documented order.
    /// </summary>
    public void WeightedVjpBatch(ReadOnlySpan<double> theta, FeatureBatch batch, ReadOnlySpan<double> u, ReadOnlySpan<double> weights,
        Span<double> gradient)
    {
        var b = Own(batch);
        int k = OutputDimension, count = b.Count;
        Span<double> scaled = b.Cotangents(count * k);
        for (int r = 0; r < count; r++)
        {
            double c = weights[r];
            for (int j = 0; j < k; j++) scaled[r * k + j] = c == 0 ? 0.0 : c * u[r * k + j];
        }
        VjpBatch(theta, batch, scaled, gradient);
    }

    private static MlpBatch Own(FeatureBatch batch) =>
        batch as MlpBatch ?? throw new ArgumentException("the batch was not created by an MlpFeatureMap's CreateBatch.", nameof(batch));

    /// <summary>
    /// An <see cref="MlpFeatureMap"/>'s block of rows: the inputs (the base class), every hidden layer's activations
    /// (capacity × width each), Wₗᵀ of the last forward pass, the direction's dWₗᵀ of the last JVP, and two chunk-sized
    /// scratch blocks for tangents and cotangents.
    /// </summary>
    private sealed class MlpBatch : FeatureBatch
    {
        private readonly double[][] _hidden;   // [l] for l = 1 … L−1: capacity × sizes[l]
        private readonly double[][] _scratch;  // two blocks of ChunkRows × max width

        public MlpBatch(MlpFeatureMap map, int capacity) : base(capacity, map.InputDimension)
        {
            int layers = map.Layers, widest = map._sizes.Max();
            _hidden = new double[layers][];
            WeightsT = new double[layers][];
            DirectionT = new double[layers][];
            _hidden[0] = [];
            for (int l = 0; l < layers; l++)
            {
                if (l > 0) _hidden[l] = new double[capacity * map._sizes[l]];
                WeightsT[l] = new double[map._sizes[l] * map._sizes[l + 1]];
                DirectionT[l] = new double[map._sizes[l] * map._sizes[l + 1]];
            }
            Widths = map._sizes;
            int chunk = Math.Min(capacity, ChunkRows) * widest;
            _scratch = [new double[chunk], new double[chunk]];
        }

        public double[][] WeightsT { get; }
        public double[][] DirectionT { get; }
        private int[] Widths { get; }

        /// <summary>Rows r0 … r0 + rows − 1 of layer l's input (l = 0: the loaded inputs).</summary>
        public ReadOnlySpan<double> Input(int l, int r0, int rows) =>
            l == 0 ? Inputs.Slice(r0 * Widths[0], rows * Widths[0]) : Hidden(l, r0, rows);

        /// <summary>Rows r0 … r0 + rows − 1 of hidden layer l's activations (1 ≤ l ≤ L − 1).</summary>
        public Span<double> Hidden(int l, int r0, int rows) => _hidden[l].AsSpan(r0 * Widths[l], rows * Widths[l]);

        public Span<double> Scratch(int which, int length) => _scratch[which].AsSpan(0, length);

        /// <summary>Scratch for a whole batch of output cotangents (capacity × K), made on first use.</summary>
        public Span<double> Cotangents(int length) => (_cotangents ??= new double[Capacity * Widths[^1]]).AsSpan(0, length);

        private double[]? _cotangents;
    }
}
