using NatPolicy.Core;
using NatPolicy.Envs.Vector;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Reproductions;

namespace NatPolicy.Experiments.Tests;

public sealed class InvarianceTests
{
    [Fact]
    [Trait("Category", "Math")]
    public void FirstNaturalUpdateIsTheSamePolicyAtEveryScaleAndTheVanillaOneIsNot()
    {
        var checks = InvarianceExperiment.FirstStepChecks(new InvarianceConfig(), seed: 0);
        Assert.Equal([1.0, 10.0, 100.0], checks.Select(c => c.Scale));
        foreach (var c in checks)
        {
            Assert.True(c.NaturalAccepted && c.VanillaAccepted, $"c = {c.Scale}: an update was rejected");
            Assert.Equal(2000, c.States);
            // The update really moves the policy (so a gap of 0 is not trivial) ...
            Assert.True(c.NaturalChange > 0.1, $"c = {c.Scale}: npg moved π by only {c.NaturalChange}");
            // ... by the same amount in policy space at every scale,
            Assert.True(c.NaturalGap < 1e-8, $"c = {c.Scale}: npg gap {c.NaturalGap}");
            Assert.Equal(checks[0].NaturalKl, c.NaturalKl, 1e-10);
            Assert.Equal(0.01, c.NaturalKl, 3e-3); // the normalised step moves the KL by about δ
            if (c.Scale == 1) continue;
            // while the vanilla (Adam) step depends on the coordinates.
            Assert.True(c.VanillaGap > 0.1, $"c = {c.Scale}: vpg gap only {c.VanillaGap}");
            Assert.True(c.VanillaKl > 10 * checks[0].VanillaKl, $"c = {c.Scale}: vpg KL {c.VanillaKl} vs {checks[0].VanillaKl} at c = 1");
        }
    }

    [Fact]
    [Trait("Category", "Learning")]
    public void UndampedNaturalTrainingIsIdenticalAcrossScalesForTenIterationsAndVanillaIsNot()
    {
        var exact = InvarianceConfig.DefaultVariants.Single(v => v.Name == "npg-exact");
        var vpg = InvarianceConfig.DefaultVariants.Single(v => v.Name == "vpg");
        var r = InvarianceExperiment.Run(new InvarianceConfig(Scales: [1, 100], Variants: [exact, vpg], Seeds: 2, TotalSteps: 20_000));
        Assert.All(r.IdenticalIterations("npg-exact", 100), k => Assert.Equal(10, k));
        // vpg: only the first batch (collected by the common initial policy θ = 0) is shared.
        Assert.All(r.IdenticalIterations("vpg", 100), k => Assert.Equal(1, k));
        Assert.All(r.IdenticalIterations("vpg", 1), k => Assert.Equal(10, k));
    }

    [Fact]
    [Trait("Category", "Learning")]
    public void LevenbergMarquardtDampingRescuesNpgWhenAFeatureIsShrunkBy100()
    {
        // A = diag(1, 100, 1/100, 100), no baseline: with λI fixed at 1e-4 the pole angle's Fisher entry (~1e-8) is
        // swamped by λ and npg does not learn it. Levenberg–Marquardt with Marquardt's λ·diag(F) damps every coordinate
        // in proportion to its own Fisher entry, so the run at c = 100 is the run at c = 1.
        var fixedDamping = InvarianceConfig.RescueVariants.Single(v => v.Name == "npg-downscaled-nb");
        var identityLm = InvarianceConfig.RescueVariants.Single(v => v.Name == "npg-downscaled-nb-lm");
        var rescued = InvarianceConfig.RescueVariants.Single(v => v.Name == "npg-downscaled-nb-lm-diag");
        var r = InvarianceExperiment.Run(new InvarianceConfig(Scales: [100], Variants: [fixedDamping, rescued], Seeds: 6));
        int fixedReached = r.Cell(fixedDamping.Name, 100).Summary.StepsToThreshold.Count(double.IsFinite);
        int rescuedReached = r.Cell(rescued.Name, 100).Summary.StepsToThreshold.Count(double.IsFinite);
        Assert.True(rescuedReached >= 5 && fixedReached <= 1, $"seeds reaching 475 at c = 100: LM λ·diag(F) {rescuedReached}/6, fixed λI {fixedReached}/6");
        // Lockstep with c = 1 for the first 10 iterations under λ·diag(F); under λI the schedule alone departs at once.
        var short_ = InvarianceExperiment.Run(new InvarianceConfig(Scales: [1, 100], Variants: [rescued, identityLm], Seeds: 2, TotalSteps: 20_000));
        Assert.All(short_.IdenticalIterations(rescued.Name, 100), k => Assert.Equal(10, k));
        Assert.All(short_.IdenticalIterations(identityLm.Name, 100), k => Assert.True(k < 3, $"λI identical for {k} iterations"));
        // The trainer logs the λ it used: 1e-4 first, then falling by ω = 10 per iteration to the floor.
        var parts = NatPolicy.Experiments.Runs.RunComponents.Build(rescued.Training("CartPole-v1", 0, null), rescued.Transform(100));
        var dampings = Enumerable.Range(0, 8).Select(_ => parts.Trainer.RunIteration().Damping).ToArray();
        Assert.Equal(1e-4, dampings[0]);
        Assert.True(dampings[1] < dampings[0] && dampings[^1] <= 1e-9, string.Join(", ", dampings));
    }

    [Fact]
    [Trait("Category", "Math")]
    public void FactorsFollowTheExponentPattern()
    {
        var down = new InvarianceVariant("d", "npg", InvarianceVariant.DownscaledExponents);
        Assert.Equal([1, 10, 0.1, 10], down.Factors(10, 4));
        Assert.Equal("(1, c, 1/c, c)", down.Pattern);
        var up = new InvarianceVariant("u", "vpg", InvarianceVariant.VelocityExponents);
        Assert.Equal([1, 100, 1, 100, 1], up.Factors(100, 5));
        var config = up.Training("CartPole-v1", 3, null);
        Assert.False(config.NormalizeObservations);
        Assert.Equal(3UL, config.Seed);
        Assert.Equal((NatPolicy.Agents.Training.TrainDefaults.For("CartPole-v1", "vpg") with
        {
            Seed = 3, NormalizeObservations = false, Policy = new NatPolicy.Agents.Training.LinearPolicyConfig(),
            Baseline = new NatPolicy.Agents.Training.PolynomialBaselineConfig { TimeFeatures = true },
            StepsPerIteration = 2_000, Algo = new NatPolicy.Agents.Training.VpgConfig(), TotalSteps = InvarianceVariant.DefaultSteps,
        }).ToJson(), config.ToJson());
        var exact = new InvarianceVariant("e", "npg", InvarianceVariant.VelocityExponents, Undamped: true).Training("CartPole-v1", 0, 5000);
        var npg = Assert.IsType<NatPolicy.Agents.Training.NpgConfig>(exact.Algo);
        Assert.Equal((NatPolicy.Agents.Fisher.FisherKind.Exact, NatPolicy.Agents.Solvers.SolverKind.PseudoInverse, 0.0, "none", 5000L),
            (npg.Fisher, npg.Solver, npg.Damping, exact.Baseline.Kind, exact.TotalSteps));
    }

    [Fact]
    [Trait("Category", "Env")]
    public void ScaleObservationVectorScalesObservationsAndPassesEverythingElseThrough()
    {
        double[] factors = [2, 0.5, 10, 1];
        var plain = VectorEnvs.Make("CartPole-v1", 3);
        var scaled = new ScaleObservationVector(VectorEnvs.Make("CartPole-v1", 3), factors);
        Assert.Equal(plain.SingleObservationSpace.High[0] * 2, scaled.SingleObservationSpace.High[0]);
        Assert.Equal(plain.SingleActionSpace, scaled.SingleActionSpace);
        plain.Reset(7);
        scaled.Reset(7);
        var actions = new double[3];
        var rng = new Rng(11);
        bool sawFinal = false;
        for (int t = 0; t < 200; t++)
        {
            AssertScaled(plain.Observations, scaled.Observations, factors);
            for (int i = 0; i < 3; i++) actions[i] = rng.NextInt(2);
            plain.Step(actions);
            scaled.Step(actions);
            Assert.Equal(plain.Rewards.ToArray(), scaled.Rewards.ToArray());
            Assert.Equal(plain.Terminated.ToArray(), scaled.Terminated.ToArray());
            Assert.Equal(plain.Truncated.ToArray(), scaled.Truncated.ToArray());
            for (int i = 0; i < 3; i++)
                if (plain.Terminated[i] || plain.Truncated[i])
                {
                    sawFinal = true;
                    AssertScaled(plain.FinalObservations.Slice(i * 4, 4), scaled.FinalObservations.Slice(i * 4, 4), factors);
                    Assert.Equal(plain.FinishedEpisodes[i], scaled.FinishedEpisodes[i]);
                }
        }
        Assert.True(sawFinal, "no episode ended in 200 random steps");

        // Save/Load restores the wrapper and the inner env exactly.
        var snapshot = new Snapshot();
        scaled.Save(snapshot);
        var before = scaled.Observations.ToArray();
        scaled.Step(actions);
        scaled.Step(actions);
        scaled.Load(snapshot.Reader());
        Assert.Equal(before, scaled.Observations.ToArray());

        Assert.Throws<ArgumentException>(() => new ScaleObservationVector(VectorEnvs.Make("CartPole-v1", 1), [1, 2, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScaleObservationVector(VectorEnvs.Make("CartPole-v1", 1), [1, 0, 1, 1]));
    }

    private static void AssertScaled(ReadOnlySpan<double> raw, ReadOnlySpan<double> scaled, double[] factors)
    {
        for (int k = 0; k < raw.Length; k++) Assert.Equal(raw[k] * factors[k % factors.Length], scaled[k]);
    }

    [Fact]
    [Trait("Category", "Math")]
    public void SeedSummaryCountsNeverReachedAsInfinity()
    {
        SeedCurve Curve(params double[] returns) => new("t", returns.Select((_, i) => 1000L * (i + 1)).ToArray(), returns, 0);
        var s = SeedSummary.Of([Curve(100, 480, 500), Curve(10, 20, 30), Curve(476, 490, 10), Curve(200, 300, 475)], 475);
        Assert.Equal([2000, double.PositiveInfinity, 1000, 3000], s.StepsToThreshold);
        Assert.Equal(0.75, s.ReachedFraction);
        Assert.Equal(2500, s.MedianSteps);
        Assert.Equal(1000, s.StdStepsReached, 1e-12);
        Assert.Equal(double.PositiveInfinity, s.IqrSteps); // the 75% quantile interpolates into the ∞ entry
        Assert.Equal(new[] { 500.0, 30, 10, 475 }.Average(), s.MeanFinalReturn, 1e-12); // last 10% of 3 iterations = the last one
        Assert.Equal(double.PositiveInfinity, SeedSummary.Of([Curve(1), Curve(500)], 475).MedianSteps);
    }
}
