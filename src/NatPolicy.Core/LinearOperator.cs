namespace NatPolicy.Core;

/// <summary>A symmetric linear map y = A x on ℝⁿ, applied without forming A (e.g. a Fisher-vector product).</summary>
public interface ILinearOperator
{
    /// <summary>n, the length of x and y.</summary>
    int Dimension { get; }

    /// <summary>Writes A x into <paramref name="result"/> (length n). Allocates nothing.</summary>
    void Apply(ReadOnlySpan<double> x, Span<double> result);
}
