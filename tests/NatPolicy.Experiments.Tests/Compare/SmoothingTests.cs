using NatPolicy.Experiments.Curves;

namespace NatPolicy.Experiments.Tests.Compare;

[Trait("Category", "Math")]
public sealed class SmoothingTests
{
    [Fact]
    public void TrailingAveragesTheLastKFiniteValues()
    {
        double[] y = [1, 2, 3, 4, 10];
        Assert.Equal([1, 1.5, 2, 3, 17 / 3.0], Smoothing.Trailing(y, 3));
        Assert.Equal(y, Smoothing.Trailing(y, 1));
        Assert.Equal([1, 1.5, 2, 2.5, 4], Smoothing.Trailing(y, 100));
    }

    [Fact]
    public void TrailingSkipsMissingValues()
    {
        double[] y = [double.NaN, 2, double.NaN, 4];
        var s = Smoothing.Trailing(y, 2);
        Assert.True(double.IsNaN(s[0]));
        Assert.Equal([2.0, 2, 4], s[1..]);
        Assert.Throws<ArgumentOutOfRangeException>(() => Smoothing.Trailing(y, 0));
    }

    [Fact]
    public void SeedBandAveragesRowsAllSeedsHaveAndCutsToTheShortest()
    {
        double[] x = [1, 2, 3];
        var band = SeedBand.Compute("b", [x, x[..2]], [new[] { double.NaN, 2.0, 5 }, new[] { 1.0, 4 }]);
        Assert.Equal([2.0], band.X);
        Assert.Equal([3.0], band.Mean);
        Assert.True(band.Low[0] >= 2 && band.High[0] <= 4 && band.Low[0] <= band.High[0]);
        var wall = SeedBand.Compute("w", [new[] { 1.0 }, new[] { 3.0 }], [new[] { 5.0 }, new[] { 7.0 }]);
        Assert.Equal([2.0], wall.X);
    }
}
