using NatPolicy.Experiments.Reproductions;

namespace NatPolicy.Experiments.Tests;

[Trait("Category", "Math")]
public sealed class KakadeTwoStateTests
{
    private static readonly Lazy<TwoStateResult> Result = new(() => KakadeTwoStateExperiment.Run());

    [Theory]
    [InlineData(1.386, -2.197)]
    [InlineData(-0.3, 0.8)]
    [InlineData(12.0, -1.0)]
    public void StationaryDistributionAndRewardMatchPowerIteration(double ti, double tj)
    {
        double pI = KakadeTwoState.Sigmoid(ti), pJ = KakadeTwoState.Sigmoid(tj);
        // Transition matrix rows: from i, from j. Power iteration from uniform.
        double mi = 0.5, mj = 0.5;
        for (int k = 0; k < 200_000; k++)
        {
            double ni = mi * pI + mj * (1 - pJ);
            double nj = mi * (1 - pI) + mj * pJ;
            (mi, mj) = (ni, nj);
        }
        double eta = mi * pI * 1 + mj * pJ * 2;
        var p = KakadeTwoState.Evaluate(ti, tj);
        Assert.Equal(mj, p.RhoJ, 1e-9);
        Assert.Equal(eta, p.AverageReward, 1e-9);
    }

    [Theory]
    [InlineData(1.386, -2.197)]
    [InlineData(-0.3, 0.8)]
    [InlineData(5.0, 2.0)]
    public void GradientMatchesCentralFiniteDifferences(double ti, double tj)
    {
        const double h = 1e-6;
        var p = KakadeTwoState.Evaluate(ti, tj);
        double fdI = (KakadeTwoState.Evaluate(ti + h, tj).AverageReward - KakadeTwoState.Evaluate(ti - h, tj).AverageReward) / (2 * h);
        double fdJ = (KakadeTwoState.Evaluate(ti, tj + h).AverageReward - KakadeTwoState.Evaluate(ti, tj - h).AverageReward) / (2 * h);
        Assert.Equal(fdI, p.GradI, 1e-7);
        Assert.Equal(fdJ, p.GradJ, 1e-7);
    }

    [Fact]
    public void FisherMatchesExpectedOuterProductOfScores()
    {
        double ti = 0.4, tj = -1.3;
        var p = KakadeTwoState.Evaluate(ti, tj);
        double rhoI = 1 - p.RhoJ;
        // Score of log π(a|s) in θ_s: stay → 1 − p, switch → −p.
        double fI = rhoI * (p.StayI * Math.Pow(1 - p.StayI, 2) + (1 - p.StayI) * p.StayI * p.StayI);
        double fJ = p.RhoJ * (p.StayJ * Math.Pow(1 - p.StayJ, 2) + (1 - p.StayJ) * p.StayJ * p.StayJ);
        Assert.Equal(fI, p.FisherI, 1e-12);
        Assert.Equal(fJ, p.FisherJ, 1e-12);
    }

    [Fact]
    public void StartsAtThePapersPolicy()
    {
        var v = Result.Value.Vanilla;
        Assert.Equal(0.8, v.StayI[0], 1e-12);
        Assert.Equal(0.1, v.StayJ[0], 1e-12);
        Assert.Equal(0.2 / 1.1, v.RhoJ[0], 1e-12);
    }

    [Fact]
    public void VanillaPlateausAndNaturalEscapesFast()
    {
        var r = Result.Value;
        Assert.NotNull(r.Vanilla.EscapeTime);
        Assert.NotNull(r.Natural.EscapeTime);
        Assert.True(r.EscapeRatio > 1e5, $"escape ratio {r.EscapeRatio}");
        Assert.True(r.Vanilla.MinRhoJ < 1e-5, $"vanilla min rho(j) {r.Vanilla.MinRhoJ}");
        Assert.True(r.Natural.MinRhoJ > 0.04, $"natural min rho(j) {r.Natural.MinRhoJ}");
        Assert.True(r.Natural.EscapeTime < 10, $"natural escape {r.Natural.EscapeTime}");
        // The plateau: at t = 10^4 vanilla sits at η ≈ 1 (within 10⁻³) while natural is already at ≈ 2.
        int k = Array.FindIndex(r.Vanilla.Times, t => t >= 1e4);
        Assert.Equal(1.0, r.Vanilla.AverageReward[k], 1e-3);
        Assert.Equal(2.0, r.Natural.AverageReward[k], 1e-3);
        Assert.Equal(2.0, r.Vanilla.AverageReward[^1], 1e-3);
    }

    [Fact]
    public void EscapeTimesAreConvergedInTheIntegratorTolerance()
    {
        var coarse = Result.Value;
        var fine = KakadeTwoStateExperiment.Run(new TwoStateConfig(RelTol: 1e-11, AbsTol: 1e-14, PointsPerDecade: 5));
        Assert.Equal(1, fine.Vanilla.EscapeTime!.Value / coarse.Vanilla.EscapeTime!.Value, 1e-3);
        Assert.Equal(1, fine.Natural.EscapeTime!.Value / coarse.Natural.EscapeTime!.Value, 1e-4);
    }
}
