using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NatPolicy.Agents.Kernels;
using NatPolicy.Core;

namespace NatPolicy.Agents.Training;

/// <summary>
/// Adam (Kingma &amp; Ba 2015, Algorithm 1) for gradient ascent: θ ← θ + α m̂ / (sqrt(v̂) + ε).
/// Element-wise on the widest hardware lanes; every entry takes the same IEEE operations on every width
/// (m ← β₁m + (1−β₁)g, v ← β₂v + ((1−β₂)g)g, Δ = α(m/c₁)/(√(v/c₂) + ε)), so the steps are the same bits everywhere.
/// </summary>
public sealed class Adam(int dimension, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    : ISnapshotable
{
    private readonly double[] _m = new double[dimension];
    private readonly double[] _v = new double[dimension];
    private long _t;

    /// <summary>Writes the ascent step Δθ for gradient <paramref name="g"/> into <paramref name="step"/>.</summary>
    public void Step(ReadOnlySpan<double> g, Span<double> step)
    {
        if (Vector512.IsHardwareAccelerated) Step<Lanes512>(g, step);
        else if (Vector256.IsHardwareAccelerated) Step<Lanes256>(g, step);
        else if (Vector128.IsHardwareAccelerated) Step<Lanes128>(g, step);
        else Step<Lanes1>(g, step);
    }

    /// <summary><see cref="Step(ReadOnlySpan{double}, Span{double})"/> on lanes <typeparamref name="TV"/> (the tail one at a time).</summary>
    internal void Step<TV>(ReadOnlySpan<double> g, Span<double> step) where TV : struct, ILanes<TV>
    {
        int n = _m.Length, k = 0;
        if (g.Length < n || step.Length < n) throw new ArgumentException($"Adam over {n} parameters needs a gradient and a step of that length.");
        _t++;
        var c = new Constants(beta1, beta2, learningRate, epsilon, 1 - Math.Pow(beta1, _t), 1 - Math.Pow(beta2, _t));
        ref double rm = ref MemoryMarshal.GetArrayDataReference(_m);
        ref double rv = ref MemoryMarshal.GetArrayDataReference(_v);
        ref double rg = ref MemoryMarshal.GetReference(g);
        ref double rs = ref MemoryMarshal.GetReference(step);
        for (; k + TV.Count <= n; k += TV.Count) Update<TV>(c, ref rm, ref rv, ref rg, ref rs, (nuint)k);
        for (; k < n; k++) Update<Lanes1>(c, ref rm, ref rv, ref rg, ref rs, (nuint)k);
    }

    private readonly record struct Constants(double Beta1, double Beta2, double Alpha, double Epsilon, double C1, double C2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update<TV>(in Constants c, ref double rm, ref double rv, ref double rg, ref double rs, nuint k)
        where TV : struct, ILanes<TV>
    {
        TV g = TV.Load(ref rg, k);
        TV m = TV.Create(c.Beta1) * TV.Load(ref rm, k) + TV.Create(1 - c.Beta1) * g;
        TV v = TV.Create(c.Beta2) * TV.Load(ref rv, k) + TV.Create(1 - c.Beta2) * g * g;
        TV.Store(m, ref rm, k);
        TV.Store(v, ref rv, k);
        TV.Store(TV.Create(c.Alpha) * (m / TV.Create(c.C1)) / (TV.Sqrt(v / TV.Create(c.C2)) + TV.Create(c.Epsilon)), ref rs, k);
    }

    public void Save(Snapshot into)
    {
        into.Write(_m);
        into.Write(_v);
        into.Write(_t);
    }

    public void Load(SnapshotReader from)
    {
        from.ReadDoubles(_m);
        from.ReadDoubles(_v);
        _t = from.ReadLong();
    }
}
