using NatPolicy.Experiments.Reproductions;

namespace NatPolicy.Experiments.Tests;

[Trait("Category", "Math")]
public sealed class GaussianMetricTests
{
    [Fact]
    public void ThePaperPairsAreEquallyFarInEuclideanTermsAndFarApartInKl()
    {
        var pairs = GaussianMetric.PaperPairs();
        Assert.Equal(0.1, pairs[0].EuclideanMeanVariance, 1e-12);
        Assert.Equal(0.1, pairs[1].EuclideanMeanVariance, 1e-9);
        // ½(0.5 − 1 + ln 2) and ½(r − 1 − ln r), r = 1000.1/1000.2.
        Assert.Equal(0.0965735902799727, pairs[0].Kl12, 1e-15);
        Assert.Equal(0.5 * (1 / 0.5 - 1 + Math.Log(0.5)), pairs[0].Kl21, 1e-15);
        Assert.InRange(pairs[1].Kl12, 2.4985e-9, 2.4995e-9);
        Assert.True(pairs[0].Kl12 / pairs[1].Kl12 > 3e7);
        // In precision coordinates the small-variance pair is 5 apart and the large one 1e-7.
        Assert.Equal(5, pairs[0].EuclideanMeanPrecision, 1e-12);
        Assert.InRange(pairs[1].EuclideanMeanPrecision, 0.99e-7, 1.01e-7);
    }

    [Fact]
    public void NaturalStepsAgreeAcrossCoordinatesToFirstOrderAndVanillaStepsDoNot()
    {
        double Natural(double r) => GaussianMetric.OneStepSpread(true, r, 2, 4, 0, 1);
        double Vanilla(double r) => GaussianMetric.OneStepSpread(false, r, 2, 4, 0, 1);
        // Halving ρ: the natural spread (a KL, so the square of a distance) falls ~16×, i.e. the distributions differ
        // by O(ρ²); the vanilla spread falls at most ~4× (they differ by O(ρ); at these ρ the natural-parameter
        // step already moves the variance far, so it falls only ~2×).
        Assert.InRange(Natural(0.05) / Natural(0.025), 12, 20);
        Assert.InRange(Vanilla(0.05) / Vanilla(0.025), 1.5, 5);
        Assert.True(Vanilla(0.025) > 1e3 * Natural(0.025));
    }

    [Fact]
    public void OneNaturalStepOfSizeOneInNaturalParametersReachesAConjugateTarget()
    {
        var (x1, x2) = GaussianMetric.ToCoordinates(GaussianCoordinates.Natural, 2, 4);
        var (y1, y2) = GaussianMetric.Step(GaussianCoordinates.Natural, natural: true, 1, x1, x2, -0.5, 0.3);
        var (mean, variance) = GaussianMetric.FromCoordinates(GaussianCoordinates.Natural, y1, y2);
        Assert.Equal(-0.5, mean, 1e-12);
        Assert.Equal(0.3, variance, 1e-12);
        // Not so in the other coordinates.
        var (u1, u2) = GaussianMetric.Step(GaussianCoordinates.MeanVariance, natural: true, 1, 2, 4, -0.5, 0.3);
        Assert.True(Math.Abs(u2 - 0.3) > 0.1, $"mean–variance natural step gave v = {u2}");
    }
}
