using NatPolicy.Agents.Policies;
using NatPolicy.Agents.Training;
using NatPolicy.Agents.Updates;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Updates;

/// <summary>Numerics fail safe: an update that cannot be trusted leaves θ bit-for-bit unchanged and says why.</summary>
[Trait("Category", "Math")]
public sealed class FailSafeTests
{
    private sealed class StubDirection(Func<double[], DirectionResult> make) : INaturalDirection
    {
        public DirectionResult Compute(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient, Span<double> direction)
        {
            var s = new double[direction.Length];
            var r = make(s);
            s.CopyTo(direction);
            return r;
        }
    }

    private static (IPolicy Policy, RolloutBuffer Batch, double[] Theta) Setup()
    {
        var policy = PolicyFactory.Create(new PolicyConfig(), 4, new DiscreteSpace(2), new Rng(1));
        var theta = new double[policy.ParameterCount];
        var rng = new Rng(2);
        for (int k = 0; k < theta.Length; k++) theta[k] = rng.NextGaussian();
        policy.SetParameters(theta);
        var batch = new RolloutBuffer(8, 2, 4, 1);
        for (int i = 0; i < batch.Observations.Length; i++) batch.Observations[i] = rng.NextGaussian();
        for (int i = 0; i < batch.Count; i++)
        {
            policy.Sample(batch.Observation(i), rng, batch.Actions.AsSpan(i, 1));
            batch.LogProbs[i] = policy.LogProb(batch.Observation(i), batch.Action(i));
            batch.Advantages[i] = rng.NextGaussian();
        }
        return (policy, batch, theta);
    }

    private static void AssertUnchanged(IPolicy policy, double[] theta, UpdateResult r, string reason)
    {
        Assert.False(r.Accepted);
        Assert.Contains(reason, r.Rejection);
        var now = new double[theta.Length];
        policy.GetParameters(now);
        Assert.Equal(theta, now);
    }

    private static double[] Gradient(int p, double value = 0.1) => Enumerable.Repeat(value, p).ToArray();

    [Fact]
    public void NonFiniteGradientIsRefusedByEveryUpdate()
    {
        var (policy, batch, theta) = Setup();
        var g = Gradient(policy.ParameterCount);
        g[3] = double.NaN;
        var direction = new StubDirection(s => new DirectionResult(true, 0, 0, 1, null));
        AssertUnchanged(policy, theta, new VanillaUpdate(theta.Length, 0.1, useAdam: true).Update(policy, batch, g), "non-finite gradient");
        AssertUnchanged(policy, theta, new NaturalUpdate(theta.Length, direction, 0.01).Update(policy, batch, g), "non-finite gradient");
        AssertUnchanged(policy, theta, new TrustRegionUpdate(theta.Length, direction, new BacktrackingLineSearch(0.5, 5), 0.01)
            .Update(policy, batch, g), "non-finite gradient");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void NonPositiveCurvatureIsRefused(double curvature)
    {
        var (policy, batch, theta) = Setup();
        var direction = new StubDirection(s => { s[0] = 1; return new DirectionResult(true, 3, 1e-3, curvature, null); });
        AssertUnchanged(policy, theta, new NaturalUpdate(theta.Length, direction, 0.01).Update(policy, batch, Gradient(theta.Length)), "curvature");
        AssertUnchanged(policy, theta, new TrustRegionUpdate(theta.Length, direction, new BacktrackingLineSearch(0.5, 5), 0.01)
            .Update(policy, batch, Gradient(theta.Length)), "curvature");
    }

    [Fact]
    public void FailedSolveIsRefused()
    {
        var (policy, batch, theta) = Setup();
        var direction = new StubDirection(s => new DirectionResult(false, 10, double.NaN, double.NaN, "solver stopped: NonFinite"));
        AssertUnchanged(policy, theta, new NaturalUpdate(theta.Length, direction, 0.01).Update(policy, batch, Gradient(theta.Length)), "NonFinite");
    }

    [Fact]
    public void LineSearchWithoutAnAcceptableStepRestoresThetaExactly()
    {
        var (policy, batch, theta) = Setup();
        // A direction that only makes the surrogate worse: minus the true gradient direction, scaled hugely.
        var g = new double[theta.Length];
        var score = new double[theta.Length];
        for (int i = 0; i < batch.Count; i++)
        {
            policy.Score(batch.Observation(i), batch.Action(i), score);
            for (int k = 0; k < g.Length; k++) g[k] += batch.Advantages[i] * score[k] / batch.Count;
        }
        var direction = new StubDirection(s => { for (int k = 0; k < s.Length; k++) s[k] = -g[k]; return new DirectionResult(true, 1, 0, 1e-6, null); });
        var r = new TrustRegionUpdate(theta.Length, direction, new BacktrackingLineSearch(0.5, 4), 0.01).Update(policy, batch, g);
        AssertUnchanged(policy, theta, r, "line search");
        Assert.Equal(5, r.LineSearchSteps);
    }
}
