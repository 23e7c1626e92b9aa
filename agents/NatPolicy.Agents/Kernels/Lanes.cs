using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NatPolicy.Agents.Kernels;

/// <summary>
/// A register of <see cref="Count"/> doubles on which the kernels in this folder are written once: every operation acts
/// on each lane independently and is the same IEEE operation (correctly rounded add, subtract, multiply, divide,
/// square root; no fused multiply-add) whatever the width, so a kernel that vectorises only across independent outputs
/// gives the same bits with <see cref="Lanes512"/>, <see cref="Lanes256"/>, <see cref="Lanes128"/> or
/// <see cref="Lanes1"/> (the scalar path, used when hardware intrinsics are off).
/// Masks (<see cref="LessThan"/>, <see cref="IsNaN"/>) have all bits of a lane set or clear.
/// </summary>
internal interface ILanes<TSelf> where TSelf : struct, ILanes<TSelf>
{
    static abstract int Count { get; }
    static abstract TSelf Load(ref double source, nuint index);
    static abstract void Store(TSelf value, ref double destination, nuint index);
    static abstract TSelf Create(double value);
    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator /(TSelf a, TSelf b);
    static abstract TSelf Sqrt(TSelf a);
    static abstract TSelf Abs(TSelf a);

    /// <summary>|magnitude| with the sign bit of <paramref name="sign"/>.</summary>
    static abstract TSelf CopySign(TSelf magnitude, TSelf sign);

    static abstract TSelf LessThan(TSelf a, TSelf b);
    static abstract TSelf IsNaN(TSelf a);

    /// <summary>Lane-wise mask ? a : b.</summary>
    static abstract TSelf Select(TSelf mask, TSelf a, TSelf b);

    /// <summary>2ᵏ for lanes holding k + 1.5·2⁵² (k an integer, −1022 ≤ k ≤ 1023), by placing k + 1023 in the exponent bits.</summary>
    static abstract TSelf Pow2FromShifted(TSelf shifted);
}

/// <summary>Bits shared by the lane types.</summary>
internal static class LaneBits
{
    /// <summary>1.5·2⁵²: adding it to |t| &lt; 2⁵¹ rounds t to an integer (ties to even), held in the low mantissa bits.</summary>
    public const double Shifter = 6755399441055744.0;

    /// <summary>
    /// Subtracted from the bits of k + <see cref="Shifter"/> to leave the biased exponent k + 1023: the bits of
    /// <see cref="Shifter"/> (0x4338000000000000) minus 1023. A constant, not a static field, so the vector loops that
    /// use it carry no class-initialisation check (which made the JIT spill the tanh loop's registers around it).
    /// </summary>
    public const long ShifterBitsMinusBias = 0x4338_0000_0000_0000 - 1023;
}

/// <summary>One double per register: the scalar path.</summary>
internal readonly struct Lanes1(double value) : ILanes<Lanes1>
{
    private readonly double _v = value;

    public static int Count => 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Load(ref double source, nuint index) => new(Unsafe.Add(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes1 value, ref double destination, nuint index) => Unsafe.Add(ref destination, index) = value._v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Create(double value) => new(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator +(Lanes1 a, Lanes1 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator -(Lanes1 a, Lanes1 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator *(Lanes1 a, Lanes1 b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 operator /(Lanes1 a, Lanes1 b) => new(a._v / b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Sqrt(Lanes1 a) => new(Math.Sqrt(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Abs(Lanes1 a) => new(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a._v) & long.MaxValue));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 CopySign(Lanes1 magnitude, Lanes1 sign) => new(BitConverter.Int64BitsToDouble(
        (BitConverter.DoubleToInt64Bits(magnitude._v) & long.MaxValue) | (BitConverter.DoubleToInt64Bits(sign._v) & long.MinValue)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 LessThan(Lanes1 a, Lanes1 b) => Mask(a._v < b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 IsNaN(Lanes1 a) => Mask(double.IsNaN(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes1 Select(Lanes1 mask, Lanes1 a, Lanes1 b) => BitConverter.DoubleToInt64Bits(mask._v) != 0 ? a : b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes1 Pow2FromShifted(Lanes1 shifted) =>
        new(BitConverter.Int64BitsToDouble((BitConverter.DoubleToInt64Bits(shifted._v) - LaneBits.ShifterBitsMinusBias) << 52));

    public double Value => _v;

    private static Lanes1 Mask(bool set) => new(BitConverter.Int64BitsToDouble(set ? -1L : 0L));
}

/// <summary>Two doubles per register (SSE2 / AdvSimd).</summary>
internal readonly struct Lanes128(Vector128<double> value) : ILanes<Lanes128>
{
    private readonly Vector128<double> _v = value;

    public static int Count => Vector128<double>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Load(ref double source, nuint index) => new(Vector128.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes128 value, ref double destination, nuint index) => value._v.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Create(double value) => new(Vector128.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator +(Lanes128 a, Lanes128 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator -(Lanes128 a, Lanes128 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator *(Lanes128 a, Lanes128 b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator /(Lanes128 a, Lanes128 b) => new(a._v / b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Sqrt(Lanes128 a) => new(Vector128.Sqrt(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Abs(Lanes128 a) => new(Vector128.AndNot(a._v, Vector128.Create(-0.0)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 CopySign(Lanes128 magnitude, Lanes128 sign) =>
        new(Vector128.ConditionalSelect(Vector128.Create(-0.0), sign._v, magnitude._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 LessThan(Lanes128 a, Lanes128 b) => new(Vector128.LessThan(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 IsNaN(Lanes128 a) => new(~Vector128.Equals(a._v, a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Select(Lanes128 mask, Lanes128 a, Lanes128 b) => new(Vector128.ConditionalSelect(mask._v, a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Pow2FromShifted(Lanes128 shifted) =>
        new(Vector128.ShiftLeft(shifted._v.AsInt64() - Vector128.Create(LaneBits.ShifterBitsMinusBias), 52).AsDouble());
}

/// <summary>Four doubles per register (AVX2).</summary>
internal readonly struct Lanes256(Vector256<double> value) : ILanes<Lanes256>
{
    private readonly Vector256<double> _v = value;

    public static int Count => Vector256<double>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Load(ref double source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes256 value, ref double destination, nuint index) => value._v.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Create(double value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator +(Lanes256 a, Lanes256 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator -(Lanes256 a, Lanes256 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator *(Lanes256 a, Lanes256 b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator /(Lanes256 a, Lanes256 b) => new(a._v / b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Sqrt(Lanes256 a) => new(Vector256.Sqrt(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Abs(Lanes256 a) => new(Vector256.AndNot(a._v, Vector256.Create(-0.0)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 CopySign(Lanes256 magnitude, Lanes256 sign) =>
        new(Vector256.ConditionalSelect(Vector256.Create(-0.0), sign._v, magnitude._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 LessThan(Lanes256 a, Lanes256 b) => new(Vector256.LessThan(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 IsNaN(Lanes256 a) => new(~Vector256.Equals(a._v, a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Select(Lanes256 mask, Lanes256 a, Lanes256 b) => new(Vector256.ConditionalSelect(mask._v, a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Pow2FromShifted(Lanes256 shifted) =>
        new(Vector256.ShiftLeft(shifted._v.AsInt64() - Vector256.Create(LaneBits.ShifterBitsMinusBias), 52).AsDouble());
}

/// <summary>Eight doubles per register (AVX-512).</summary>
internal readonly struct Lanes512(Vector512<double> value) : ILanes<Lanes512>
{
    private readonly Vector512<double> _v = value;

    public static int Count => Vector512<double>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Load(ref double source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes512 value, ref double destination, nuint index) => value._v.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Create(double value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator +(Lanes512 a, Lanes512 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator -(Lanes512 a, Lanes512 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator *(Lanes512 a, Lanes512 b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator /(Lanes512 a, Lanes512 b) => new(a._v / b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Sqrt(Lanes512 a) => new(Vector512.Sqrt(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Abs(Lanes512 a) => new(Vector512.AndNot(a._v, Vector512.Create(-0.0)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 CopySign(Lanes512 magnitude, Lanes512 sign) =>
        new(Vector512.ConditionalSelect(Vector512.Create(-0.0), sign._v, magnitude._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 LessThan(Lanes512 a, Lanes512 b) => new(Vector512.LessThan(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 IsNaN(Lanes512 a) => new(~Vector512.Equals(a._v, a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Select(Lanes512 mask, Lanes512 a, Lanes512 b) => new(Vector512.ConditionalSelect(mask._v, a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Pow2FromShifted(Lanes512 shifted) =>
        new(Vector512.ShiftLeft(shifted._v.AsInt64() - Vector512.Create(LaneBits.ShifterBitsMinusBias), 52).AsDouble());
}
