using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NatPolicy.Agents.Kernels;

/// <summary>
/// Dense block kernels for affine layers over many rows, the same bits whatever the SIMD width.
/// Summation order (every path, every block size): each output element is its own running sum, started from the
/// value already in the output (e.g. the bias, 0, or the gradient so far) and extended one rounded product at a time,
/// s ← s + a·b (product rounded, then the sum; no fused multiply-add), in strictly increasing order of its reduction
/// index: j (inputs) in <see cref="MultiplyAdd"/> and <see cref="RowDotsAdd"/>, r (rows) in <see cref="OuterAdd"/>
/// and <see cref="ColumnSumsAdd"/>. Vectors run only across independent outputs (output units, weight entries), never
/// across a reduction, so the 512-, 256-, 128-bit and scalar (<see cref="Lanes1"/>) paths agree to the last bit, and a
/// row gives the same bits alone or in a block. Matrices are row-major spans; nothing allocates.
/// </summary>
internal static class Dense
{
    /// <summary>wT (cols × rows) = wᵀ for w (rows × cols).</summary>
    public static void Transpose(ReadOnlySpan<double> w, int rows, int cols, Span<double> wT)
    {
        Check(w, rows * cols);
        Check(wT, rows * cols);
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> row = w.Slice(i * cols, cols);
            for (int j = 0; j < cols; j++) wT[j * rows + i] = row[j];
        }
    }

    /// <summary>Every one of the <paramref name="rows"/> rows of y (rows × b.Length) ← b.</summary>
    public static void FillRows(ReadOnlySpan<double> b, int rows, Span<double> y)
    {
        for (int r = 0; r < rows; r++) b.CopyTo(y.Slice(r * b.Length, b.Length));
    }

    /// <summary>
    /// y (rows × outs) += a (rows × inner) · bT (inner × outs): y[r,i] ← y[r,i] + a[r,j]·bT[j,i] for j = 0, 1, …, inner − 1.
    /// With bT = Wᵀ this is the affine map X Wᵀ; with bT = W (outs × ins as stored) it is the back-propagation U W.
    /// </summary>
    public static void MultiplyAdd(ReadOnlySpan<double> a, int rows, int inner, ReadOnlySpan<double> bT, int outs, Span<double> y)
    {
        Check(a, rows * inner);
        Check(bT, inner * outs);
        Check(y, rows * outs);
        if (Vector512.IsHardwareAccelerated) MultiplyAdd<Lanes512>(a, rows, inner, bT, outs, y, 0);
        else if (Vector256.IsHardwareAccelerated) MultiplyAdd<Lanes256>(a, rows, inner, bT, outs, y, 0);
        else if (Vector128.IsHardwareAccelerated) MultiplyAdd<Lanes128>(a, rows, inner, bT, outs, y, 0);
        else MultiplyAdd<Lanes1>(a, rows, inner, bT, outs, y, 0);
    }

    /// <summary>
    /// <see cref="MultiplyAdd"/> on lanes <typeparamref name="TV"/> for the output columns from <paramref name="col0"/>:
    /// blocks of 4 rows × 2 registers (1 row × 4 registers when there are fewer than 4 rows), then single rows and
    /// registers, the last outs mod Count columns on <see cref="Lanes1"/>.
    /// </summary>
    internal static void MultiplyAdd<TV>(ReadOnlySpan<double> a, int rows, int inner, ReadOnlySpan<double> bT, int outs, Span<double> y, int col0)
        where TV : struct, ILanes<TV>
    {
        int c = TV.Count;
        ref double ra = ref MemoryMarshal.GetReference(a);
        ref double rb = ref MemoryMarshal.GetReference(bT);
        ref double ry = ref MemoryMarshal.GetReference(y);
        nuint no = (nuint)outs, nc = (nuint)c;
        int i = col0;
        if (rows < 4)
        {
            // Too few rows for the 4-row blocks: 4 registers per row keep the adder busy instead.
            for (; i + 4 * c <= outs; i += 4 * c)
            {
                for (int r = 0; r < rows; r++)
                {
                    nuint y0 = (nuint)(r * outs + i);
                    TV s0 = TV.Load(ref ry, y0), s1 = TV.Load(ref ry, y0 + nc), s2 = TV.Load(ref ry, y0 + 2 * nc), s3 = TV.Load(ref ry, y0 + 3 * nc);
                    ref double a0 = ref Unsafe.Add(ref ra, r * inner);
                    for (int j = 0; j < inner; j++)
                    {
                        nuint bj = (nuint)(j * outs + i);
                        TV x = TV.Create(Unsafe.Add(ref a0, j));
                        s0 = s0 + x * TV.Load(ref rb, bj);
                        s1 = s1 + x * TV.Load(ref rb, bj + nc);
                        s2 = s2 + x * TV.Load(ref rb, bj + 2 * nc);
                        s3 = s3 + x * TV.Load(ref rb, bj + 3 * nc);
                    }
                    TV.Store(s0, ref ry, y0); TV.Store(s1, ref ry, y0 + nc); TV.Store(s2, ref ry, y0 + 2 * nc); TV.Store(s3, ref ry, y0 + 3 * nc);
                }
            }
        }
        for (; i + 2 * c <= outs; i += 2 * c)
        {
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                nuint y0 = (nuint)(r * outs + i), y1 = y0 + no, y2 = y1 + no, y3 = y2 + no;
                TV s00 = TV.Load(ref ry, y0), s01 = TV.Load(ref ry, y0 + nc);
                TV s10 = TV.Load(ref ry, y1), s11 = TV.Load(ref ry, y1 + nc);
                TV s20 = TV.Load(ref ry, y2), s21 = TV.Load(ref ry, y2 + nc);
                TV s30 = TV.Load(ref ry, y3), s31 = TV.Load(ref ry, y3 + nc);
                ref double a0 = ref Unsafe.Add(ref ra, r * inner);
                ref double a1 = ref Unsafe.Add(ref a0, inner);
                ref double a2 = ref Unsafe.Add(ref a1, inner);
                ref double a3 = ref Unsafe.Add(ref a2, inner);
                for (int j = 0; j < inner; j++)
                {
                    nuint bj = (nuint)(j * outs + i);
                    TV w0 = TV.Load(ref rb, bj), w1 = TV.Load(ref rb, bj + nc);
                    TV x = TV.Create(Unsafe.Add(ref a0, j));
                    s00 = s00 + x * w0; s01 = s01 + x * w1;
                    x = TV.Create(Unsafe.Add(ref a1, j));
                    s10 = s10 + x * w0; s11 = s11 + x * w1;
                    x = TV.Create(Unsafe.Add(ref a2, j));
                    s20 = s20 + x * w0; s21 = s21 + x * w1;
                    x = TV.Create(Unsafe.Add(ref a3, j));
                    s30 = s30 + x * w0; s31 = s31 + x * w1;
                }
                TV.Store(s00, ref ry, y0); TV.Store(s01, ref ry, y0 + nc);
                TV.Store(s10, ref ry, y1); TV.Store(s11, ref ry, y1 + nc);
                TV.Store(s20, ref ry, y2); TV.Store(s21, ref ry, y2 + nc);
                TV.Store(s30, ref ry, y3); TV.Store(s31, ref ry, y3 + nc);
            }
            for (; r < rows; r++)
            {
                nuint y0 = (nuint)(r * outs + i);
                TV s0 = TV.Load(ref ry, y0), s1 = TV.Load(ref ry, y0 + nc);
                ref double a0 = ref Unsafe.Add(ref ra, r * inner);
                for (int j = 0; j < inner; j++)
                {
                    nuint bj = (nuint)(j * outs + i);
                    TV x = TV.Create(Unsafe.Add(ref a0, j));
                    s0 = s0 + x * TV.Load(ref rb, bj);
                    s1 = s1 + x * TV.Load(ref rb, bj + nc);
                }
                TV.Store(s0, ref ry, y0); TV.Store(s1, ref ry, y0 + nc);
            }
        }
        for (; i + c <= outs; i += c)
        {
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                nuint y0 = (nuint)(r * outs + i), y1 = y0 + no, y2 = y1 + no, y3 = y2 + no;
                TV s0 = TV.Load(ref ry, y0), s1 = TV.Load(ref ry, y1), s2 = TV.Load(ref ry, y2), s3 = TV.Load(ref ry, y3);
                ref double a0 = ref Unsafe.Add(ref ra, r * inner);
                ref double a1 = ref Unsafe.Add(ref a0, inner);
                ref double a2 = ref Unsafe.Add(ref a1, inner);
                ref double a3 = ref Unsafe.Add(ref a2, inner);
                for (int j = 0; j < inner; j++)
                {
                    TV w = TV.Load(ref rb, (nuint)(j * outs + i));
                    s0 = s0 + TV.Create(Unsafe.Add(ref a0, j)) * w;
                    s1 = s1 + TV.Create(Unsafe.Add(ref a1, j)) * w;
                    s2 = s2 + TV.Create(Unsafe.Add(ref a2, j)) * w;
                    s3 = s3 + TV.Create(Unsafe.Add(ref a3, j)) * w;
                }
                TV.Store(s0, ref ry, y0); TV.Store(s1, ref ry, y1); TV.Store(s2, ref ry, y2); TV.Store(s3, ref ry, y3);
            }
            for (; r < rows; r++)
            {
                nuint y0 = (nuint)(r * outs + i);
                TV s = TV.Load(ref ry, y0);
                ref double a0 = ref Unsafe.Add(ref ra, r * inner);
                for (int j = 0; j < inner; j++) s = s + TV.Create(Unsafe.Add(ref a0, j)) * TV.Load(ref rb, (nuint)(j * outs + i));
                TV.Store(s, ref ry, y0);
            }
        }
        if (i < outs) MultiplyAdd<Lanes1>(a, rows, inner, bT, outs, y, i);
    }

    /// <summary>
    /// y[i] += Σ_j w[i,j]·x[j] for w (outs × inner, row-major, as stored), j increasing: one row of
    /// <see cref="MultiplyAdd"/> with bT = wᵀ, in scalar arithmetic over eight outputs at a time (no transpose, so
    /// nothing to cache per θ). The same bits as <see cref="MultiplyAdd"/>.
    /// </summary>
    public static void RowDotsAdd(ReadOnlySpan<double> w, int outs, int inner, ReadOnlySpan<double> x, Span<double> y)
    {
        Check(w, outs * inner);
        Check(x, inner);
        Check(y, outs);
        ref double rw = ref MemoryMarshal.GetReference(w);
        ref double rx = ref MemoryMarshal.GetReference(x);
        int i = 0;
        for (; i + 8 <= outs; i += 8)
        {
            ref double w0 = ref Unsafe.Add(ref rw, i * inner);
            double s0 = y[i], s1 = y[i + 1], s2 = y[i + 2], s3 = y[i + 3], s4 = y[i + 4], s5 = y[i + 5], s6 = y[i + 6], s7 = y[i + 7];
            for (int j = 0; j < inner; j++)
            {
                double xj = Unsafe.Add(ref rx, j);
                s0 += xj * Unsafe.Add(ref w0, j);
                s1 += xj * Unsafe.Add(ref w0, inner + j);
                s2 += xj * Unsafe.Add(ref w0, 2 * inner + j);
                s3 += xj * Unsafe.Add(ref w0, 3 * inner + j);
                s4 += xj * Unsafe.Add(ref w0, 4 * inner + j);
                s5 += xj * Unsafe.Add(ref w0, 5 * inner + j);
                s6 += xj * Unsafe.Add(ref w0, 6 * inner + j);
                s7 += xj * Unsafe.Add(ref w0, 7 * inner + j);
            }
            y[i] = s0; y[i + 1] = s1; y[i + 2] = s2; y[i + 3] = s3; y[i + 4] = s4; y[i + 5] = s5; y[i + 6] = s6; y[i + 7] = s7;
        }
        for (; i < outs; i++)
        {
            ref double wi = ref Unsafe.Add(ref rw, i * inner);
            double s = y[i];
            for (int j = 0; j < inner; j++) s += Unsafe.Add(ref rx, j) * Unsafe.Add(ref wi, j);
            y[i] = s;
        }
    }

    /// <summary>g (outs × ins) += Σ_r u[r,:]ᵀ x[r,:] over the rows: g[i,j] ← g[i,j] + u[r,i]·x[r,j] for r = 0, 1, …, rows − 1.</summary>
    public static void OuterAdd(ReadOnlySpan<double> u, int rows, int outs, ReadOnlySpan<double> x, int ins, Span<double> g)
    {
        Check(u, rows * outs);
        Check(x, rows * ins);
        Check(g, outs * ins);
        if (Vector512.IsHardwareAccelerated) OuterAdd<Lanes512>(u, rows, outs, x, ins, g, 0);
        else if (Vector256.IsHardwareAccelerated) OuterAdd<Lanes256>(u, rows, outs, x, ins, g, 0);
        else if (Vector128.IsHardwareAccelerated) OuterAdd<Lanes128>(u, rows, outs, x, ins, g, 0);
        else OuterAdd<Lanes1>(u, rows, outs, x, ins, g, 0);
    }

    /// <summary><see cref="OuterAdd"/> on lanes <typeparamref name="TV"/> for columns j ≥ <paramref name="col0"/>: two weight rows × 4 registers of g held across the rows (then single rows), the last columns on the next narrower lanes.</summary>
    internal static void OuterAdd<TV>(ReadOnlySpan<double> u, int rows, int outs, ReadOnlySpan<double> x, int ins, Span<double> g, int col0)
        where TV : struct, ILanes<TV>
    {
        int c = TV.Count;
        ref double ru = ref MemoryMarshal.GetReference(u);
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double rg = ref MemoryMarshal.GetReference(g);
        nuint nc = (nuint)c;
        int vecEnd = col0 + (ins - col0) / c * c;
        int i = 0;
        // Two weight rows at a time share the loads of x (8 accumulators); each entry still sums its rows in increasing r.
        for (; i + 2 <= outs; i += 2)
        {
            int j = col0;
            for (; j + 4 * c <= vecEnd; j += 4 * c)
            {
                nuint gi = (nuint)(i * ins + j), gk = gi + (nuint)ins;
                TV g0 = TV.Load(ref rg, gi), g1 = TV.Load(ref rg, gi + nc), g2 = TV.Load(ref rg, gi + 2 * nc), g3 = TV.Load(ref rg, gi + 3 * nc);
                TV h0 = TV.Load(ref rg, gk), h1 = TV.Load(ref rg, gk + nc), h2 = TV.Load(ref rg, gk + 2 * nc), h3 = TV.Load(ref rg, gk + 3 * nc);
                for (int r = 0; r < rows; r++)
                {
                    TV ur = TV.Create(Unsafe.Add(ref ru, r * outs + i));
                    TV uk = TV.Create(Unsafe.Add(ref ru, r * outs + i + 1));
                    nuint xr = (nuint)(r * ins + j);
                    TV x0 = TV.Load(ref rx, xr), x1 = TV.Load(ref rx, xr + nc), x2 = TV.Load(ref rx, xr + 2 * nc), x3 = TV.Load(ref rx, xr + 3 * nc);
                    g0 = g0 + ur * x0; g1 = g1 + ur * x1; g2 = g2 + ur * x2; g3 = g3 + ur * x3;
                    h0 = h0 + uk * x0; h1 = h1 + uk * x1; h2 = h2 + uk * x2; h3 = h3 + uk * x3;
                }
                TV.Store(g0, ref rg, gi); TV.Store(g1, ref rg, gi + nc); TV.Store(g2, ref rg, gi + 2 * nc); TV.Store(g3, ref rg, gi + 3 * nc);
                TV.Store(h0, ref rg, gk); TV.Store(h1, ref rg, gk + nc); TV.Store(h2, ref rg, gk + 2 * nc); TV.Store(h3, ref rg, gk + 3 * nc);
            }
            for (; j < vecEnd; j += c)
            {
                nuint gi = (nuint)(i * ins + j), gk = gi + (nuint)ins;
                TV s = TV.Load(ref rg, gi), t = TV.Load(ref rg, gk);
                for (int r = 0; r < rows; r++)
                {
                    TV x0 = TV.Load(ref rx, (nuint)(r * ins + j));
                    s = s + TV.Create(Unsafe.Add(ref ru, r * outs + i)) * x0;
                    t = t + TV.Create(Unsafe.Add(ref ru, r * outs + i + 1)) * x0;
                }
                TV.Store(s, ref rg, gi); TV.Store(t, ref rg, gk);
            }
        }
        for (; i < outs; i++)
        {
            int j = col0;
            for (; j + 4 * c <= vecEnd; j += 4 * c)
            {
                nuint gi = (nuint)(i * ins + j);
                TV g0 = TV.Load(ref rg, gi), g1 = TV.Load(ref rg, gi + nc), g2 = TV.Load(ref rg, gi + 2 * nc), g3 = TV.Load(ref rg, gi + 3 * nc);
                for (int r = 0; r < rows; r++)
                {
                    TV ur = TV.Create(Unsafe.Add(ref ru, r * outs + i));
                    nuint xr = (nuint)(r * ins + j);
                    g0 = g0 + ur * TV.Load(ref rx, xr);
                    g1 = g1 + ur * TV.Load(ref rx, xr + nc);
                    g2 = g2 + ur * TV.Load(ref rx, xr + 2 * nc);
                    g3 = g3 + ur * TV.Load(ref rx, xr + 3 * nc);
                }
                TV.Store(g0, ref rg, gi); TV.Store(g1, ref rg, gi + nc); TV.Store(g2, ref rg, gi + 2 * nc); TV.Store(g3, ref rg, gi + 3 * nc);
            }
            for (; j < vecEnd; j += c)
            {
                nuint gi = (nuint)(i * ins + j);
                TV s = TV.Load(ref rg, gi);
                for (int r = 0; r < rows; r++) s = s + TV.Create(Unsafe.Add(ref ru, r * outs + i)) * TV.Load(ref rx, (nuint)(r * ins + j));
                TV.Store(s, ref rg, gi);
            }
        }
        if (vecEnd < ins)
        {
            if (c > Lanes256.Count) OuterAdd<Lanes256>(u, rows, outs, x, ins, g, vecEnd);
            else if (c > Lanes128.Count) OuterAdd<Lanes128>(u, rows, outs, x, ins, g, vecEnd);
            else OuterAdd<Lanes1>(u, rows, outs, x, ins, g, vecEnd);
        }
    }

    /// <summary>gb[i] += Σ_r u[r,i] over the rows (u rows × outs), r increasing.</summary>
    public static void ColumnSumsAdd(ReadOnlySpan<double> u, int rows, int outs, Span<double> gb)
    {
        Check(u, rows * outs);
        Check(gb, outs);
        if (Vector512.IsHardwareAccelerated) ColumnSumsAdd<Lanes512>(u, rows, outs, gb, 0);
        else if (Vector256.IsHardwareAccelerated) ColumnSumsAdd<Lanes256>(u, rows, outs, gb, 0);
        else if (Vector128.IsHardwareAccelerated) ColumnSumsAdd<Lanes128>(u, rows, outs, gb, 0);
        else ColumnSumsAdd<Lanes1>(u, rows, outs, gb, 0);
    }

    internal static void ColumnSumsAdd<TV>(ReadOnlySpan<double> u, int rows, int outs, Span<double> gb, int col0)
        where TV : struct, ILanes<TV>
    {
        int c = TV.Count, i = col0;
        ref double ru = ref MemoryMarshal.GetReference(u);
        ref double rg = ref MemoryMarshal.GetReference(gb);
        for (; i + c <= outs; i += c)
        {
            TV s = TV.Load(ref rg, (nuint)i);
            for (int r = 0; r < rows; r++) s = s + TV.Load(ref ru, (nuint)(r * outs + i));
            TV.Store(s, ref rg, (nuint)i);
        }
        if (i < outs) ColumnSumsAdd<Lanes1>(u, rows, outs, gb, i);
    }

    private static void Check(ReadOnlySpan<double> span, int length)
    {
        if (span.Length < length) throw new ArgumentException($"a span of {span.Length} values where the kernel reads {length}.", nameof(span));
    }
}
