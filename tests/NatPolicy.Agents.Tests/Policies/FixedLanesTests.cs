using NatPolicy.Agents.Policies;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Policies;

/// <summary>The fixed-lane kernels give exactly the bits of their documented operation order (whichever path the CPU takes).</summary>
[Trait("Category", "Math")]
public sealed class FixedLanesTests
{
    /// <summary>The documented order, written out: below 8 entries sequential; else 4 lanes over i ≡ j (mod 4), (s₀ + s₁) + (s₂ + s₃), then the tail.</summary>
    private static double ReferenceDot(double[] a, double[] b)
    {
        var s = new double[4];
        int blocks = a.Length >= 8 ? a.Length / 4 * 4 : 0;
        for (int i = 0; i < blocks; i++) s[i % 4] = s[i % 4] + a[i] * b[i];
        double total = (s[0] + s[1]) + (s[2] + s[3]);
        for (int i = blocks; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }

    [Fact]
    public void Dot_and_axpy_follow_the_documented_order_to_the_bit()
    {
        var rng = new Rng(3);
        for (int n = 0; n <= 41; n++)
        {
            // Magnitudes spread over 2⁻²⁰ … 2²⁰ so that a different order or a fused multiply-add changes the bits.
            double[] a = Draw(rng, n), b = Draw(rng, n + 3), y = Draw(rng, n);
            Assert.Equal(BitConverter.DoubleToInt64Bits(ReferenceDot(a, b)), BitConverter.DoubleToInt64Bits(FixedLanes.Dot(a, b)));
            double alpha = rng.NextGaussian();
            double[] expected = y.Select((v, i) => v + alpha * b[i]).ToArray();
            FixedLanes.Axpy(alpha, b, y);
            Assert.Equal(expected, y);
        }
    }

    private static double[] Draw(Rng rng, int n) =>
        Enumerable.Range(0, n).Select(_ => rng.NextGaussian() * Math.Pow(2, rng.NextInt(41) - 20)).ToArray();
}
