using NatPolicy.Core;

namespace NatPolicy.Agents.Policies;

/// <summary>
/// A differentiable parametric function z = f_θ(s): ℝⁿ → ℝᴷ (n = <see cref="InputDimension"/>, K =
/// <see cref="OutputDimension"/>, θ ∈ ℝᴾ with P = <see cref="ParameterCount"/>), the body of a policy under its
/// distribution head. θ is passed in on every call (the map owns no parameters, only fixed structure and scratch),
/// so one map can evaluate two parameter vectors (e.g. for a KL).
/// <see cref="Jvp"/> and <see cref="Vjp"/> differentiate at the input and θ of the most recent <see cref="Forward"/>
/// call (its activations are cached); pass the same θ. No call allocates. Not thread-safe: <see cref="Clone"/> gives
/// a copy with its own scratch.
/// </summary>
public interface IFeatureMap
{
    int InputDimension { get; }
    int OutputDimension { get; }
    int ParameterCount { get; }

    /// <summary>Writes an initial θ (length P) drawn from <paramref name="rng"/> (or deterministic, e.g. zeros).</summary>
    void Initialize(Rng rng, Span<double> theta);

    /// <summary>z = f_θ(s); caches what <see cref="Jvp"/> and <see cref="Vjp"/> need.</summary>
    void Forward(ReadOnlySpan<double> theta, ReadOnlySpan<double> input, Span<double> output);

    /// <summary>Tangent dz = (∂z/∂θ) v (v of length P, dz of length K) at the last <see cref="Forward"/>.</summary>
    void Jvp(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Span<double> dOutput);

    /// <summary>Accumulates <paramref name="gradient"/> += (∂z/∂θ)ᵀ u (u of length K, gradient of length P) at the last <see cref="Forward"/>.</summary>
    void Vjp(ReadOnlySpan<double> theta, ReadOnlySpan<double> u, Span<double> gradient);

    /// <summary>Same structure (and the same fixed random features), fresh scratch.</summary>
    IFeatureMap Clone();
}

/// <summary>Shared kernel: an affine layer y = W x + b with W (rows × cols, row-major) followed by b, stored contiguously in θ.</summary>
internal static class Affine
{
    public static int ParameterCount(int rows, int cols) => rows * (cols + 1);

    /// <summary>y = W x + b.</summary>
    public static void Forward(ReadOnlySpan<double> p, int rows, int cols, ReadOnlySpan<double> x, Span<double> y)
    {
        ReadOnlySpan<double> b = p.Slice(rows * cols, rows);
        for (int i = 0; i < rows; i++)
        {
            y[i] = b[i] + FixedLanes.Dot(p.Slice(i * cols, cols), x);
        }
    }

    /// <summary>dy = dW x + db (+ W dx when <paramref name="dx"/> is non-empty).</summary>
    public static void Tangent(ReadOnlySpan<double> p, ReadOnlySpan<double> dp, int rows, int cols,
        ReadOnlySpan<double> x, ReadOnlySpan<double> dx, Span<double> dy)
    {
        ReadOnlySpan<double> db = dp.Slice(rows * cols, rows);
        bool hasDx = !dx.IsEmpty;
        for (int i = 0; i < rows; i++)
        {
            double s = db[i] + FixedLanes.Dot(dp.Slice(i * cols, cols), x);
            if (hasDx) s += FixedLanes.Dot(p.Slice(i * cols, cols), dx);
            dy[i] = s;
        }
    }

    /// <summary>gW += u xᵀ, gb += u, and (when <paramref name="dx"/> is non-empty) dx = Wᵀ u.</summary>
    public static void Backward(ReadOnlySpan<double> p, int rows, int cols, ReadOnlySpan<double> x,
        ReadOnlySpan<double> u, Span<double> g, Span<double> dx)
    {
        Span<double> gb = g.Slice(rows * cols, rows);
        bool hasDx = !dx.IsEmpty;
        if (hasDx) dx[..cols].Clear();
        for (int i = 0; i < rows; i++)
        {
            double ui = u[i];
            gb[i] += ui;
            if (ui == 0) continue;
            FixedLanes.Axpy(ui, x[..cols], g.Slice(i * cols, cols));
            if (hasDx) FixedLanes.Axpy(ui, p.Slice(i * cols, cols), dx[..cols]);
        }
    }
}
