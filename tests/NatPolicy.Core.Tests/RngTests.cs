using NatPolicy.Core;

namespace NatPolicy.Core.Tests;

[Trait("Category", "Math")]
public sealed class RngTests
{
    [Fact]
    public void SameSeedSameStreamAndStateRoundTrips()
    {
        var a = new Rng(42);
        var b = new Rng(42);
        for (int i = 0; i < 100; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
        a.NextGaussian(); // leaves a spare behind
        var c = Rng.FromState(a.GetState());
        for (int i = 0; i < 10; i++) Assert.Equal(a.NextGaussian(), c.NextGaussian());
    }

    [Fact]
    public void UniformAndGaussianMomentsAreRight()
    {
        var rng = new Rng(7);
        const int n = 200_000;
        double su = 0, sg = 0, sg2 = 0;
        var counts = new int[3];
        for (int i = 0; i < n; i++)
        {
            su += rng.NextDouble();
            double g = rng.NextGaussian();
            sg += g;
            sg2 += g * g;
            counts[rng.NextInt(3)]++;
        }
        Assert.Equal(0.5, su / n, 2);
        Assert.Equal(0.0, sg / n, 2);
        Assert.Equal(1.0, sg2 / n, 1);
        foreach (var c in counts) Assert.InRange(c / (double)n, 0.32, 0.347);
    }

    [Fact]
    public void DerivedStreamsDiffer()
    {
        Assert.NotEqual(Rng.Derive(1, 0).NextUInt64(), Rng.Derive(1, 1).NextUInt64());
        Assert.Equal(Rng.Derive(1, 5).NextUInt64(), Rng.Derive(1, 5).NextUInt64());
    }
}
