using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NatPolicy.Agents.Kernels;

/// <summary>
/// Our own tanh, written once over <see cref="ILanes{TSelf}"/> so the scalar and every vector width give the same bits
/// (and the same bits on every machine, unlike the C library's tanh behind <see cref="Math.Tanh"/>).
/// For |x| &lt; 0.625: tanh x = x + x·z·P(z)/Q(z), z = x², with Cephes' rational coefficients (Moshier, tanh.c).
/// Otherwise: tanh |x| = 1 − 2/(e^{2|x|} + 1), with |x| clamped to 20 (tanh 20 rounds to 1, so the result saturates
/// at exactly ±1) and e^t = 2ᵏ·p(r), k = round(t/ln 2), r = t − k·ln2_hi − k·ln2_lo (Cody–Waite), p the degree-13
/// Taylor polynomial by Horner. The sign is copied from x (exactly odd; tanh(−0) = −0), and NaN gives NaN.
/// Within 2 ulp of the correctly rounded tanh over the whole line (tests check it against <see cref="Math.Tanh"/>).
/// The vector forms evaluate both branches on every lane and select, each lane with the scalar form's operations.
/// </summary>
internal static class Activation
{
    private const double SmallLimit = 0.625;
    private const double Saturation = 20.0;
    private const double P0 = -9.64399179425052238628E-1, P1 = -9.92877231001918586564E1, P2 = -1.61468768441708447952E3;
    private const double Q0 = 1.12811678491632931402E2, Q1 = 2.23548839060100448583E3, Q2 = 4.84406305325125486048E3;
    private const double InvLn2 = 1.44269504088896338700e+00;
    private const double Ln2Hi = 6.93147180369123816490e-01; // low 21 bits of the mantissa clear: k·Ln2Hi is exact
    private const double Ln2Lo = 1.90821492927058770002e-10;

    /// <summary>tanh x for one value (the scalar path).</summary>
    public static double Tanh(double x) => Tanh(new Lanes1(x)).Value;

    /// <summary>tanh on every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Tanh<TV>(TV x) where TV : struct, ILanes<TV>
    {
        TV a = TV.Abs(x);

        TV z = a * a;
        TV p = (TV.Create(P0) * z + TV.Create(P1)) * z + TV.Create(P2);
        TV q = ((z + TV.Create(Q0)) * z + TV.Create(Q1)) * z + TV.Create(Q2);
        TV small = a + a * z * p / q;

        TV limit = TV.Create(Saturation);
        TV y = TV.Select(TV.LessThan(a, limit), a, limit);
        TV e = Exp(y + y);
        TV one = TV.Create(1.0);
        TV large = one - TV.Create(2.0) / (e + one);

        TV t = TV.CopySign(TV.Select(TV.LessThan(a, TV.Create(SmallLimit)), small, large), x);
        return TV.Select(TV.IsNaN(x), x, t);
    }

    /// <summary>e^t for 0 ≤ t ≤ 40 (the range <see cref="Tanh{TV}(TV)"/> needs), as documented on the class.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Exp<TV>(TV t) where TV : struct, ILanes<TV>
    {
        TV shifted = t * TV.Create(InvLn2) + TV.Create(LaneBits.Shifter);
        TV k = shifted - TV.Create(LaneBits.Shifter);
        TV r = t - k * TV.Create(Ln2Hi) - k * TV.Create(Ln2Lo);
        TV p = TV.Create(1.0 / 6227020800.0);           // 1/13!
        p = p * r + TV.Create(1.0 / 479001600.0);       // 1/12!
        p = p * r + TV.Create(1.0 / 39916800.0);
        p = p * r + TV.Create(1.0 / 3628800.0);
        p = p * r + TV.Create(1.0 / 362880.0);
        p = p * r + TV.Create(1.0 / 40320.0);
        p = p * r + TV.Create(1.0 / 5040.0);
        p = p * r + TV.Create(1.0 / 720.0);
        p = p * r + TV.Create(1.0 / 120.0);
        p = p * r + TV.Create(1.0 / 24.0);
        p = p * r + TV.Create(1.0 / 6.0);
        p = p * r + TV.Create(0.5);
        p = p * r + TV.Create(1.0);
        p = p * r + TV.Create(1.0);
        return p * TV.Pow2FromShifted(shifted);
    }

    /// <summary>values ← tanh(values) element-wise, on the widest hardware lanes (same bits on every width).</summary>
    public static void Tanh(Span<double> values)
    {
        if (Vector512.IsHardwareAccelerated) Tanh<Lanes512>(values);
        else if (Vector256.IsHardwareAccelerated) Tanh<Lanes256>(values);
        else if (Vector128.IsHardwareAccelerated) Tanh<Lanes128>(values);
        else Tanh<Lanes1>(values);
    }

    /// <summary><see cref="Tanh(Span{double})"/> on lanes of type <typeparamref name="TV"/> (the tail one at a time).</summary>
    internal static void Tanh<TV>(Span<double> values) where TV : struct, ILanes<TV>
    {
        ref double v = ref MemoryMarshal.GetReference(values);
        int n = values.Length, i = 0;
        for (; i + TV.Count <= n; i += TV.Count) TV.Store(Tanh(TV.Load(ref v, (nuint)i)), ref v, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref v, i) = Tanh(Unsafe.Add(ref v, i));
    }

    /// <summary>d ← d·(1 − a·a) element-wise over d's length (a = tanh activations): the chain rule through tanh.</summary>
    public static void ScaleByTanhDerivative(Span<double> d, ReadOnlySpan<double> a)
    {
        if (Vector512.IsHardwareAccelerated) ScaleByTanhDerivative<Lanes512>(d, a);
        else if (Vector256.IsHardwareAccelerated) ScaleByTanhDerivative<Lanes256>(d, a);
        else if (Vector128.IsHardwareAccelerated) ScaleByTanhDerivative<Lanes128>(d, a);
        else ScaleByTanhDerivative<Lanes1>(d, a);
    }

    internal static void ScaleByTanhDerivative<TV>(Span<double> d, ReadOnlySpan<double> a) where TV : struct, ILanes<TV>
    {
        int n = d.Length, i = 0;
        a = a[..n];
        ref double rd = ref MemoryMarshal.GetReference(d);
        ref double ra = ref MemoryMarshal.GetReference(a);
        for (; i + TV.Count <= n; i += TV.Count) TV.Store(ChainTanh(TV.Load(ref rd, (nuint)i), TV.Load(ref ra, (nuint)i)), ref rd, (nuint)i);
        for (; i < n; i++) Lanes1.Store(ChainTanh(Lanes1.Load(ref rd, (nuint)i), Lanes1.Load(ref ra, (nuint)i)), ref rd, (nuint)i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ChainTanh<TV>(TV d, TV a) where TV : struct, ILanes<TV> => d * (TV.Create(1.0) - a * a);
}
