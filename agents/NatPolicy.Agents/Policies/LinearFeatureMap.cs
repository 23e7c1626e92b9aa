using NatPolicy.Core;

namespace NatPolicy.Agents.Policies;

/// <summary>
/// z = W s + b: linear in the observation plus bias. θ = (W row-major K×n, b), P = K(n + 1); n = 0 gives free
/// outputs z = b (e.g. a bandit's logits). Initialised to zeros (uniform softmax, zero-mean Gaussian).
/// </summary>
public sealed class LinearFeatureMap : IFeatureMap
{
    private readonly double[] _input;

    public LinearFeatureMap(int inputDimension, int outputDimension)
    {
        if (inputDimension < 0) throw new ArgumentOutOfRangeException(nameof(inputDimension), inputDimension, "input dimension must be ≥ 0.");
        if (outputDimension < 1) throw new ArgumentOutOfRangeException(nameof(outputDimension), outputDimension, "output dimension must be ≥ 1.");
        InputDimension = inputDimension;
        OutputDimension = outputDimension;
        _input = new double[inputDimension];
    }

    public int InputDimension { get; }
    public int OutputDimension { get; }
    public int ParameterCount => Affine.ParameterCount(OutputDimension, InputDimension);

    public void Initialize(Rng rng, Span<double> theta) => theta[..ParameterCount].Clear();

    public void Forward(ReadOnlySpan<double> theta, ReadOnlySpan<double> input, Span<double> output)
    {
        input[..InputDimension].CopyTo(_input);
        Affine.Forward(theta, OutputDimension, InputDimension, _input, output);
    }

    public void Jvp(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Span<double> dOutput) =>
        Affine.Tangent(theta, v, OutputDimension, InputDimension, _input, [], dOutput);

    public void Vjp(ReadOnlySpan<double> theta, ReadOnlySpan<double> u, Span<double> gradient) =>
        Affine.Backward(theta, OutputDimension, InputDimension, _input, u, gradient, []);

    public IFeatureMap Clone() => new LinearFeatureMap(InputDimension, OutputDimension);

    // ---- batches: the loaded inputs are the layer's inputs; each row has the bits of the single-row calls ----

    public void ForwardBatch(ReadOnlySpan<double> theta, FeatureBatch batch, Span<double> outputs) =>
        Affine.ForwardRows(theta, OutputDimension, InputDimension, batch.Inputs, batch.Count, outputs);

    public void JvpBatch(ReadOnlySpan<double> theta, FeatureBatch batch, ReadOnlySpan<double> v, Span<double> dOutputs) =>
        Affine.TangentRows(theta, v, OutputDimension, InputDimension, batch.Inputs, batch.Count, dOutputs);

    public void VjpBatch(ReadOnlySpan<double> theta, FeatureBatch batch, ReadOnlySpan<double> u, Span<double> gradient) =>
        Affine.BackwardRows(theta, OutputDimension, InputDimension, batch.Inputs, batch.Count, u, gradient);

    public void WeightedVjpBatch(ReadOnlySpan<double> theta, FeatureBatch batch, ReadOnlySpan<double> u, ReadOnlySpan<double> weights,
        Span<double> gradient) =>
        Affine.WeightedBackwardRows(OutputDimension, InputDimension, batch.Inputs, batch.Count, u, weights, gradient);
}
