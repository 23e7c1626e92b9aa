using NatPolicy.Core;

namespace NatPolicy.Envs.Vector;

/// <summary>
/// A fixed linear reparameterisation of the observation features: every row of Observations and FinalObservations
/// is the inner row multiplied element-wise by <see cref="Factors"/> (s' = A s with A = diag(factors), each factor
/// finite and &gt; 0). The observation space's bounds are scaled the same way.
/// </summary>
public sealed class ScaleObservationVector : ObservationVectorWrapper
{
    private readonly double[] _factors;

    /// <param name="inner">The env whose observations are scaled.</param>
    /// <param name="factors">One factor per observation dimension, each finite and &gt; 0.</param>
    public ScaleObservationVector(IVectorEnv inner, IReadOnlyList<double> factors)
        : base(inner, ScaledSpace(inner, factors))
    {
        _factors = factors.ToArray();
    }

    /// <summary>diag(A): the factor of each observation dimension.</summary>
    public ReadOnlySpan<double> Factors => _factors;

    protected override void Transform(ReadOnlySpan<double> source, Span<double> target)
    {
        for (int j = 0; j < target.Length; j++) target[j] = source[j] * _factors[j];
    }

    private static BoxSpace ScaledSpace(IVectorEnv inner, IReadOnlyList<double> factors)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(factors);
        int dim = inner.SingleObservationSpace.Dimension;
        if (factors.Count != dim)
            throw new ArgumentException($"ScaleObservationVector: {factors.Count} factors for a {dim}-dimensional observation.", nameof(factors));
        var low = new double[dim];
        var high = new double[dim];
        for (int j = 0; j < dim; j++)
        {
            if (!(double.IsFinite(factors[j]) && factors[j] > 0))
                throw new ArgumentOutOfRangeException(nameof(factors), factors[j], $"scale factor {j} must be finite and > 0.");
            low[j] = inner.SingleObservationSpace.Low[j] * factors[j];
            high[j] = inner.SingleObservationSpace.High[j] * factors[j];
        }
        return new BoxSpace(low, high);
    }
}
