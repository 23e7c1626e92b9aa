using NatPolicy.Core;
using NatPolicy.Experiments.Reproductions;

namespace NatPolicy.Experiments.Tests;

[Trait("Category", "Math")]
public sealed class KakadeLqrTests
{
    private static readonly Lazy<LqrResult> GainLogSigma = new(() => KakadeLqrExperiment.Run(new LqrConfig(LqrParameterization.GainLogSigma)));
    private static readonly Lazy<LqrResult> Exponential = new(() => KakadeLqrExperiment.Run(new LqrConfig(LqrParameterization.ExponentialFamily)));

    [Fact]
    public void CostMatchesMonteCarloRollouts()
    {
        const double k = -0.3, logSigma = -0.4, v0 = 1;
        const int horizon = 20, n = 200_000;
        var rng = new Rng(7);
        double sigma = Math.Exp(logSigma), total = 0;
        for (int i = 0; i < n; i++)
        {
            double x = Math.Sqrt(v0) * rng.NextGaussian();
            for (int t = 0; t < horizon; t++)
            {
                double u = k * x + sigma * rng.NextGaussian();
                x = KakadeLqr.DefaultA * x + u + rng.NextGaussian();
                total += x * x;
            }
        }
        double mc = total / n;
        double exact = KakadeLqr.Evaluate(k, logSigma, horizon, v0).Cost;
        Assert.Equal(exact, mc, exact * 0.01);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(-0.5, -1.2)]
    [InlineData(0.4, 0.3)]
    public void GradientMatchesCentralFiniteDifferences(double k, double logSigma)
    {
        const double h = 1e-6;
        var p = KakadeLqr.Evaluate(k, logSigma, 20, 1);
        double fdK = (KakadeLqr.Evaluate(k + h, logSigma, 20, 1).Cost - KakadeLqr.Evaluate(k - h, logSigma, 20, 1).Cost) / (2 * h);
        double fdL = (KakadeLqr.Evaluate(k, logSigma + h, 20, 1).Cost - KakadeLqr.Evaluate(k, logSigma - h, 20, 1).Cost) / (2 * h);
        Assert.Equal(fdK, p.DCostDGain, Math.Abs(fdK) * 1e-6 + 1e-6);
        Assert.Equal(fdL, p.DCostDLogSigma, Math.Abs(fdL) * 1e-6 + 1e-6);
    }

    [Fact]
    public void ExponentialFamilyThetaGradientMatchesFiniteDifferences()
    {
        var c = new LqrConfig(LqrParameterization.ExponentialFamily);
        var s = new LqrScaling(10, 1);
        var th = KakadeLqrExperiment.Theta(c, s, -0.2, -0.3);
        var (k, ls) = KakadeLqrExperiment.Policy(c, s, th[0], th[1]);
        Assert.Equal(-0.2, k, 1e-12);
        Assert.Equal(-0.3, ls, 1e-12);
        const double h = 1e-7;
        var q = KakadeLqrExperiment.InTheta(c, s, th[0], th[1]);
        double fd1 = (KakadeLqrExperiment.InTheta(c, s, th[0] + h, th[1]).Cost - KakadeLqrExperiment.InTheta(c, s, th[0] - h, th[1]).Cost) / (2 * h);
        double fd2 = (KakadeLqrExperiment.InTheta(c, s, th[0], th[1] + h).Cost - KakadeLqrExperiment.InTheta(c, s, th[0], th[1] - h).Cost) / (2 * h);
        Assert.Equal(fd1, q.G1, Math.Abs(fd1) * 1e-5);
        Assert.Equal(fd2, q.G2, Math.Abs(fd2) * 1e-5);
    }

    [Fact]
    public void FisherOfOneControlMatchesMonteCarloScores()
    {
        // Score of log N(u; kx, σ²) in (k, log σ) for fixed x; E[score scoreᵀ] = diag(x²/σ², 2).
        const double k = 0.3, sigma = 0.7, x = 1.5;
        var rng = new Rng(11);
        double skk = 0, sll = 0, skl = 0;
        const int n = 400_000;
        for (int i = 0; i < n; i++)
        {
            double e = sigma * rng.NextGaussian();
            double gk = e * x / (sigma * sigma), gl = e * e / (sigma * sigma) - 1;
            skk += gk * gk; sll += gl * gl; skl += gk * gl;
        }
        Assert.Equal(x * x / (sigma * sigma), skk / n, 0.05);
        Assert.Equal(2, sll / n, 0.05);
        Assert.Equal(0, skl / n, 0.05);
        var p = KakadeLqr.Evaluate(k, Math.Log(sigma), 1, x * x);
        Assert.Equal(x * x / (sigma * sigma), p.FisherGain, 1e-12);
        Assert.Equal(2, p.FisherLogSigma, 1e-12);
    }

    [Fact]
    public void TargetIsReachableAndStartIsWellAbove()
    {
        var c = new LqrConfig();
        Assert.Equal(20, KakadeLqr.MinimumCost(c.Horizon));
        Assert.Equal(22.0, KakadeLqr.Evaluate(-KakadeLqr.DefaultA, 0.5 * Math.Log(0.1), 20, 1).Cost, 1e-9);
        Assert.True(GainLogSigma.Value.Vanilla[0].Cost[0] > 1.5 * c.TargetCost);
        Assert.All(GainLogSigma.Value.Vanilla.Concat(Exponential.Value.Vanilla), run => Assert.Equal(GainLogSigma.Value.Vanilla[0].Cost[0], run.Cost[0], 1e-9));
    }

    [Theory]
    [InlineData(0.0, -2.3, 1.0)]
    [InlineData(-0.7, 0.0, 0.0)]
    [InlineData(0.5, 1.5, 10.0)]
    [InlineData(-1.5, -4.0, 1.0)]
    public void TrajectoryFisherDominatesTheEuclideanMetric(double k, double logSigma, double v0)
    {
        // v(t) ≥ 1 + σ² for t ≥ 1, so F ⪰ diag((T−1)(1+σ²)/σ², 2T) ⪰ (T−1)·I: under k = θ₁, log σ = θ₂ the natural
        // flow moves each coordinate at most 1/(T−1) as fast as the vanilla flow.
        const int horizon = 20;
        var p = KakadeLqr.Evaluate(k, logSigma, horizon, v0);
        double s2 = Math.Exp(2 * logSigma);
        Assert.True(p.FisherGain >= (horizon - 1) * (1 + s2) / s2 * (1 - 1e-12), $"F_kk {p.FisherGain}");
        Assert.Equal(2.0 * horizon, p.FisherLogSigma);
        var c = new LqrConfig(FisherDamping: 0);
        var q = KakadeLqrExperiment.InTheta(c, new LqrScaling(1, 1), k, logSigma);
        Assert.True(Math.Abs(q.G1 / q.F11) <= Math.Abs(q.G1) / (horizon - 1));
        Assert.True(Math.Abs(q.G2 / q.F22) <= Math.Abs(q.G2) / (horizon - 1));
    }

    [Fact]
    public void NaturalFlowIsInvariantToParameterScaling()
    {
        foreach (var r in new[] { GainLogSigma.Value, Exponential.Value })
        {
            Assert.All(r.Natural, run => Assert.NotNull(run.TimeToTarget));
            double spread = LqrResult.Spread(r.Natural);
            Assert.True(spread <= 3, $"{r.Config.Parameterization}: natural spread {spread}");
        }
        // Both readings describe the same family of policies, so the natural flows (nearly) coincide across them too.
        Assert.Equal(1, GainLogSigma.Value.Natural[0].TimeToTarget!.Value / Exponential.Value.Natural[0].TimeToTarget!.Value, 0.01);
    }

    [Fact]
    public void VanillaFlowDependsOnScaling()
    {
        // The acceptance pin, under its reading k = s₁θ₁, log σ = s₂θ₂; it also holds under the second reading.
        foreach (var r in new[] { GainLogSigma.Value, Exponential.Value })
        {
            Assert.All(r.Vanilla, run => Assert.NotNull(run.TimeToTarget));
            double spread = LqrResult.Spread(r.Vanilla);
            Assert.True(spread >= 10, $"{r.Config.Parameterization}: vanilla spread {spread}");
        }
    }

    [Fact]
    public void VanillaTimeScalesWithTheSquaredScaleOfTheGain()
    {
        // From the default start σ² is already small enough, so only the gain has to move; vanilla moves k = s₁θ₁ at
        // s₁² times the unscaled speed, so s₁ = 10 is (almost exactly) 100 times sooner and s₂ barely matters.
        var v = GainLogSigma.Value.Vanilla;
        double t11 = v[0].TimeToTarget!.Value, t1x10 = v[1].TimeToTarget!.Value, t10x1 = v[2].TimeToTarget!.Value;
        Assert.InRange(t11 / t10x1, 90, 101);
        Assert.InRange(t11 / t1x10, 1, 1.2);
    }

    [Fact]
    public void PerStepFisherOnlyShortensTheNaturalTimeByTheHorizon()
    {
        var c = new LqrConfig(AverageFisherOverSteps: true);
        var s = new LqrScaling(1, 10);
        var perStep = KakadeLqrExperiment.RunFlow(c, s, natural: true);
        double trajectory = GainLogSigma.Value.Natural[1].TimeToTarget!.Value;
        Assert.Equal(trajectory / c.Horizon, perStep.TimeToTarget!.Value, trajectory / c.Horizon * 1e-3);
    }

    [Fact]
    [Trait("Category", "Math")]
    public void UnderTheExponentialFamilyFormTheNaturalAdvantageGrowsAsTheStartBecomesDeterministic()
    {
        // Printed exponential-family form, Kakade's per-state Fisher, no damping, k₀ = 0: the independent check.
        var config = new LqrConfig(LqrParameterization.ExponentialFamily, FisherDamping: 0, AverageFisherOverSteps: true, TEnd: 1e7);
        var rows = KakadeLqrExperiment.StartSweep(config, [0.02, 0.015]);
        Assert.All(rows[0].Natural, t => Assert.Equal(65.9, t, 0.05));          // the same at every scaling
        Assert.Equal(5.05e4, rows[0].Vanilla, 0.005 * 5.05e4);
        Assert.Equal(766, rows[0].Ratio, 5.0);
        Assert.Equal(1.36e3, rows[1].Ratio, 10.0);
        // ratio ≈ σ₀^b with b near −2.4 between these two starts
        Assert.InRange(KakadeLqrExperiment.RatioExponent(rows), -2.6, -1.8);
    }
}
