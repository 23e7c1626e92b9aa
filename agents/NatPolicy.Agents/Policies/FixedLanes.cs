using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NatPolicy.Agents.Policies;

/// <summary>
/// Reductions and element-wise kernels whose bits do not depend on the CPU's SIMD width: the work is split into
/// <see cref="Lanes"/> = 4 fixed lanes, whatever <c>Vector&lt;T&gt;.Count</c> is (128, 256 or 512 bits, or no
/// hardware intrinsics at all). The 256-bit path and the scalar path perform exactly the same IEEE operations in the
/// same order, with no fused multiply-add in either, so they agree to the last bit.
/// Summation order of <see cref="Dot"/> over n entries: for n &lt; 8 the products are added in increasing i from 0;
/// for n ≥ 8, lane j (0 ≤ j &lt; 4) accumulates aᵢbᵢ for i ≡ j (mod 4), i &lt; 4⌊n/4⌋, in increasing i, each step
/// s_j ← s_j + aᵢ·bᵢ (product rounded, then sum rounded); the lanes are combined as (s₀ + s₁) + (s₂ + s₃); then the
/// remaining n mod 4 products are added in increasing i. (This is the order the earlier Vector&lt;double&gt; kernel
/// took at its default 256-bit width, so runs on such machines keep their published numbers.)
/// </summary>
internal static class FixedLanes
{
    /// <summary>Number of independent accumulators (the fixed lane count, 4 doubles = 256 bits).</summary>
    public const int Lanes = 4;

    /// <summary><see cref="Dot"/> uses the lanes from this length on; shorter vectors are summed sequentially.</summary>
    public const int LaneThreshold = 2 * Lanes;

    /// <summary>Σ aᵢ bᵢ over a's length (b at least as long), in the summation order documented on the class.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length, blocks = n >= LaneThreshold ? n / Lanes * Lanes : 0, i = 0;
        b = b[..n];
        double s;
        if (Vector256.IsHardwareAccelerated && blocks > 0)
        {
            ref double ra = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a);
            ref double rb = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(b);
            var acc = Vector256<double>.Zero;
            for (; i < blocks; i += Lanes)
            {
                var va = Vector256.LoadUnsafe(ref ra, (nuint)i);
                var vb = Vector256.LoadUnsafe(ref rb, (nuint)i);
                acc = Vector256.Add(acc, Vector256.Multiply(va, vb));
            }
            s = Combine(acc.GetElement(0), acc.GetElement(1), acc.GetElement(2), acc.GetElement(3));
        }
        else
        {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (; i < blocks; i += Lanes)
            {
                s0 += a[i] * b[i];
                s1 += a[i + 1] * b[i + 1];
                s2 += a[i + 2] * b[i + 2];
                s3 += a[i + 3] * b[i + 3];
            }
            s = Combine(s0, s1, s2, s3);
        }
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>y += α x over y's length (x at least as long); each yᵢ ← yᵢ + α·xᵢ (product rounded, then sum).</summary>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = y.Length, blocks = n / Lanes * Lanes, i = 0;
        x = x[..n];
        if (Vector256.IsHardwareAccelerated && blocks > 0)
        {
            ref double rx = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
            ref double ry = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
            var va = Vector256.Create(alpha);
            for (; i < blocks; i += Lanes)
            {
                var vy = Vector256.LoadUnsafe(ref ry, (nuint)i);
                Vector256.Add(vy, Vector256.Multiply(va, Vector256.LoadUnsafe(ref rx, (nuint)i))).StoreUnsafe(ref ry, (nuint)i);
            }
        }
        for (; i < n; i++) y[i] += alpha * x[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Combine(double s0, double s1, double s2, double s3) => (s0 + s1) + (s2 + s3);
}
