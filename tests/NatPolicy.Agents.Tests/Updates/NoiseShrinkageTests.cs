using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Policies;
using NatPolicy.Agents.Solvers;
using NatPolicy.Agents.Training;
using NatPolicy.Agents.Updates;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Updates;

/// <summary>The James–Stein factor of the natural step: ≈ 0 for advantages that are noise, ≈ 1 for a clear signal.</summary>
[Trait("Category", "Math")]
public sealed class NoiseShrinkageTests
{
    private const int Steps = 200, Envs = 8, ObsDim = 4;

    /// <summary>A batch from a random linear softmax policy; <paramref name="advantage"/> maps (action, noise) to Â.</summary>
    private static (IPolicy Policy, RolloutBuffer Batch, double[] Gradient) Batch(ulong seed, Func<int, double, double> advantage)
    {
        var rng = new Rng(seed);
        var policy = PolicyFactory.Create(new PolicyConfig(), ObsDim, new DiscreteSpace(2), rng);
        var batch = new RolloutBuffer(Steps, Envs, ObsDim, 1);
        for (int i = 0; i < batch.Observations.Length; i++) batch.Observations[i] = rng.NextGaussian();
        var g = new double[policy.ParameterCount];
        var score = new double[policy.ParameterCount];
        for (int row = 0; row < batch.Count; row++)
        {
            policy.Sample(batch.Observation(row), rng, batch.Actions.AsSpan(row, 1));
            batch.Advantages[row] = advantage((int)batch.Actions[row], rng.NextGaussian());
            policy.Score(batch.Observation(row), batch.Action(row), score);
            for (int k = 0; k < g.Length; k++) g[k] += batch.Advantages[row] * score[k] / batch.Count;
        }
        return (policy, batch, g);
    }

    private static double Shrink(ulong seed, Func<int, double, double> advantage)
    {
        var (policy, batch, g) = Batch(seed, advantage);
        var direction = new FisherDirection(FisherEstimators.Create(FisherKind.Exact), FisherSolvers.Create(SolverKind.Cholesky), 1e-4, noiseShrinkage: true);
        var s = new double[g.Length];
        var result = direction.Compute(policy, batch, g, s);
        Assert.True(result.Ok);
        return result.Shrink;
    }

    [Fact]
    public void AdvantagesIndependentOfTheActionGiveAFactorNearZero()
    {
        double mean = Enumerable.Range(1, 10).Select(seed => Shrink((ulong)seed, (_, noise) => noise)).Average();
        Assert.InRange(mean, 0.0, 0.25);
    }

    [Fact]
    public void AdvantagesThatFavourOneActionGiveAFactorNearOne()
    {
        double f = Shrink(11, (action, noise) => (action == 0 ? 1.0 : -1.0) + 0.5 * noise);
        Assert.InRange(f, 0.95, 1.0);
    }

    [Fact]
    public void WithoutShrinkageTheFactorIsOne()
    {
        var (policy, batch, g) = Batch(3, (_, noise) => noise);
        var direction = new FisherDirection(FisherEstimators.Create(FisherKind.Exact), FisherSolvers.Create(SolverKind.Cholesky), 1e-4);
        Assert.Equal(1.0, direction.Compute(policy, batch, g, new double[g.Length]).Shrink);
    }

    private sealed class FixedDirection(double shrink) : INaturalDirection
    {
        public DirectionResult Compute(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient, Span<double> direction)
        {
            gradient.CopyTo(direction);
            return new DirectionResult(true, 0, 0, 1.0, null, shrink);
        }
    }

    [Theory]
    [InlineData("npg")]
    [InlineData("trpo")]
    public void TheStepScalesWithTheFactorAndZeroLeavesThetaUnchanged(string algo)
    {
        var (policy, batch, g) = Batch(5, (action, noise) => (action == 0 ? 1.0 : -1.0) + noise);
        for (int row = 0; row < batch.Count; row++) batch.LogProbs[row] = policy.LogProb(batch.Observation(row), batch.Action(row));
        var theta = new double[policy.ParameterCount];
        policy.GetParameters(theta);
        IPolicyUpdate Make(double shrink) => algo == "npg"
            ? new NaturalUpdate(theta.Length, new FixedDirection(shrink), 1e-3)
            : new TrustRegionUpdate(theta.Length, new FixedDirection(shrink), new BacktrackingLineSearch(0.8, 10), 1e-3);

        var zero = Make(0).Update(policy, batch, g);
        var now = new double[theta.Length];
        policy.GetParameters(now);
        Assert.True(zero.Accepted);
        Assert.Equal(0.0, zero.StepSize);
        Assert.Equal(theta, now);

        var full = Make(1).Update(policy, batch, g);
        policy.SetParameters(theta);
        var half = Make(0.5).Update(policy, batch, g);
        Assert.True(full.Accepted && half.Accepted);
        Assert.Equal(full.StepSize * 0.5, half.StepSize, 12);
    }
}
