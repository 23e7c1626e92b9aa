using NatPolicy.Experiments.Compare;

namespace NatPolicy.Experiments.Tests.Compare;

[Trait("Category", "Math")]
public sealed class StatisticsTests
{
    [Fact]
    public void InterquartileMeanOfFourIsTheMeanOfTheMiddleTwo() =>
        Assert.Equal(2.5, Statistics.InterquartileMean([1, 2, 3, 100]), 12);

    [Fact]
    public void InterquartileMeanUsesFractionalWeights()
    {
        // n = 5: the middle 50% spans ranks 1.25 to 3.75: weights 0.75, 1, 0.75 on s[1], s[2], s[3].
        double expected = (0.75 * 3 + 1 * 4 + 0.75 * 5) / 2.5; // sorted: 2, 3, 4, 5, 1000
        Assert.Equal(expected, Statistics.InterquartileMean([5, 4, 3, 2, 1000]), 12);
    }

    [Fact]
    public void MedianTreatsInfinityAsNeverReached()
    {
        Assert.Equal(2.5, Statistics.Median([1, 2, 3, 4]));
        Assert.Equal(3, Statistics.Median([1, double.PositiveInfinity, 3]));
        Assert.True(double.IsPositiveInfinity(Statistics.Median([1, double.PositiveInfinity, double.PositiveInfinity])));
    }

    [Fact]
    public void BootstrapIntervalContainsTheMeanAndIsReproducible()
    {
        double[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        var a = Statistics.BootstrapCi(x, Statistics.Mean);
        var b = Statistics.BootstrapCi(x, Statistics.Mean);
        Assert.Equal(a, b);
        Assert.InRange(5.5, a.Low, a.High);
        Assert.True(a.High - a.Low is > 2 and < 6);
    }

    [Fact]
    public void QuantileInterpolatesLikeNumPy() => Assert.Equal(1.75, Statistics.Quantile([1.0, 2.0, 3.0, 4.0], 0.25), 12);
}
