using NatPolicy.Core;

namespace NatPolicy.Agents.Policies;

/// <summary>
/// Multilayer perceptron: hidden layers hₗ = tanh(Wₗ hₗ₋₁ + bₗ) (h₀ = s), then a linear output z = W_L h_{L−1} + b_L.
/// θ holds the layers in order, each as (W row-major out×in, b). Hand-written forward, JVP (forward-mode tangent) and
/// VJP (backprop). Initialisation: Wₗ ~ N(0, (g²/fan_in)) with g = <see cref="HiddenGain"/> for hidden layers and
/// g = <see cref="OutputGain"/> for the output layer (so the initial policy is near uniform / near zero mean); biases 0.
/// </summary>
public sealed class MlpFeatureMap : IFeatureMap
{
    /// <summary>Weight scale for hidden layers (relative to 1/√fan_in).</summary>
    public const double HiddenGain = 1.0;

    /// <summary>Weight scale for the output layer (relative to 1/√fan_in): small, so initial logits/means are ≈ 0.</summary>
    public const double OutputGain = 0.01;

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

    private ReadOnlySpan<double> Layer(ReadOnlySpan<double> theta, int l) => theta[_offsets[l].._offsets[l + 1]];

    public void Forward(ReadOnlySpan<double> theta, ReadOnlySpan<double> input, Span<double> output)
    {
        input[..InputDimension].CopyTo(_act[0]);
        for (int l = 0; l < Layers; l++)
        {
            int rows = _sizes[l + 1], cols = _sizes[l];
            if (l == Layers - 1)
            {
                Affine.Forward(Layer(theta, l), rows, cols, _act[l], output);
            }
            else
            {
                double[] next = _act[l + 1];
                Affine.Forward(Layer(theta, l), rows, cols, _act[l], next);
                for (int i = 0; i < rows; i++) next[i] = Math.Tanh(next[i]);
            }
        }
    }

    public void Jvp(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Span<double> dOutput)
    {
        for (int l = 0; l < Layers; l++)
        {
            int rows = _sizes[l + 1], cols = _sizes[l];
            ReadOnlySpan<double> p = Layer(theta, l), dp = v[_offsets[l].._offsets[l + 1]];
            ReadOnlySpan<double> dx = l == 0 ? [] : _tan[l];
            if (l == Layers - 1)
            {
                Affine.Tangent(p, dp, rows, cols, _act[l], dx, dOutput);
            }
            else
            {
                double[] a = _act[l + 1], t = _tan[l + 1];
                Affine.Tangent(p, dp, rows, cols, _act[l], dx, t);
                for (int i = 0; i < rows; i++) t[i] *= 1 - a[i] * a[i];
            }
        }
    }

    public void Vjp(ReadOnlySpan<double> theta, ReadOnlySpan<double> u, Span<double> gradient)
    {
        ReadOnlySpan<double> delta = u;
        for (int l = Layers - 1; l >= 0; l--)
        {
            int rows = _sizes[l + 1], cols = _sizes[l];
            Span<double> g = gradient[_offsets[l].._offsets[l + 1]];
            if (l == 0)
            {
                Affine.Backward(Layer(theta, l), rows, cols, _act[l], delta, g, []);
            }
            else
            {
                double[] dx = _delta[l], a = _act[l];
                Affine.Backward(Layer(theta, l), rows, cols, a, delta, g, dx);
                for (int i = 0; i < cols; i++) dx[i] *= 1 - a[i] * a[i];
                delta = dx;
            }
        }
    }

    public IFeatureMap Clone() => new MlpFeatureMap(InputDimension, HiddenSizes, OutputDimension);
}
