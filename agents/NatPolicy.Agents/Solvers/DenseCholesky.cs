namespace NatPolicy.Agents.Solvers;

/// <summary>
/// Allocation-free dense Cholesky on caller buffers, column-major P×P (a symmetric matrix reads the same either way).
/// Factorisation A = L Lᵀ column by column (right-looking): l_jj = √(a_jj − …), the column below divided by it, then
/// every later column k updated by l_ik ← l_ik − l_ij·l_kj (i ≥ k); substitution L y = b (each sum from the nearest
/// term back), then Lᵀ x = y. These are the operations and orders of MathNet.Numerics' managed provider
/// (<c>Matrix.Cholesky().Solve</c>), so results keep its bits.
/// </summary>
internal static class DenseCholesky
{
    /// <summary>l = the Cholesky factor of a (both p×p; <paramref name="column"/>: scratch of length p). False when a pivot is not &gt; 0 (or NaN).</summary>
    public static bool Factorize(ReadOnlySpan<double> a, Span<double> l, int p, Span<double> column)
    {
        a[..(p * p)].CopyTo(l);
        for (int j = 0; j < p; j++)
        {
            double pivot = l[j * p + j];
            if (!(pivot > 0.0)) return false;
            pivot = Math.Sqrt(pivot);
            l[j * p + j] = pivot;
            column[j] = pivot;
            for (int i = j + 1; i < p; i++)
            {
                l[j * p + i] /= pivot;
                column[i] = l[j * p + i];
            }
            for (int k = j + 1; k < p; k++)
            {
                double m = column[k];
                for (int i = k; i < p; i++) l[k * p + i] -= column[i] * m;
            }
            for (int i = j + 1; i < p; i++) l[i * p + j] = 0.0;
        }
        return true;
    }

    /// <summary>x ← (L Lᵀ)⁻¹ x for the factor l of <see cref="Factorize"/>.</summary>
    public static void Solve(ReadOnlySpan<double> l, int p, Span<double> x)
    {
        for (int i = 0; i < p; i++)
        {
            double sum = x[i];
            for (int k = i - 1; k >= 0; k--) sum -= l[k * p + i] * x[k];
            x[i] = sum / l[i * p + i];
        }
        for (int i = p - 1; i >= 0; i--)
        {
            double sum = x[i];
            for (int k = i + 1; k < p; k++) sum -= l[i * p + k] * x[k];
            x[i] = sum / l[i * p + i];
        }
    }
}
