using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Policies;
using NatPolicy.Agents.Solvers;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Policies;

/// <summary>The hot paths allocate nothing per call (measured on this thread after a warm-up).</summary>
[Trait("Category", "Math")]
public sealed class AllocationTests
{
    public static IEnumerable<object[]> Combos() => TestUtil.Combos();

    private static long Measure(Action body)
    {
        body(); // warm-up: JIT, lazy statics
        body();
        long before = GC.GetAllocatedBytesForCurrentThread();
        body();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [MemberData(nameof(Combos))]
    public void Sample_log_prob_score_batch_and_fisher_products_allocate_nothing(string kind, string head)
    {
        var rng = new Rng(9);
        ParametricPolicy policy = TestUtil.RandomPolicy(kind, head, 3);
        const int n = 16;
        int p = policy.ParameterCount, d = policy.ActionSpace.Dimension;
        double[] obs = TestUtil.Gaussian(rng, n * TestUtil.ObsDim), weights = TestUtil.Gaussian(rng, n);
        var actions = new double[n * d];
        var score = new double[p];
        var gradient = new double[p];
        var scores = new double[n * p];
        var logProbs = new double[n];
        double[] theta = policy.Parameters.ToArray(), thetaB = theta.Select(t => t + 0.1).ToArray();
        ILinearOperator fisher = new MatrixFreeFisherEstimator().Build(policy, obs, actions, n);
        ILinearOperator dense = new ExactFisherEstimator().Build(policy, obs, actions, n);
        var cg = new ConjugateGradientSolver(10, 1e-10);
        double[] v = TestUtil.Gaussian(rng, p);
        var fv = new double[p];
        var x = new double[p];
        double sink = 0;

        Assert.Equal(0, Measure(() =>
        {
            for (int i = 0; i < n; i++) policy.Sample(obs.AsSpan(i * TestUtil.ObsDim, TestUtil.ObsDim), rng, actions.AsSpan(i * d, d));
        }));
        Assert.Equal(0, Measure(() =>
        {
            for (int i = 0; i < n; i++) sink += policy.LogProb(obs.AsSpan(i * TestUtil.ObsDim, TestUtil.ObsDim), actions.AsSpan(i * d, d));
        }));
        Assert.Equal(0, Measure(() =>
        {
            for (int i = 0; i < n; i++) sink += policy.Score(obs.AsSpan(i * TestUtil.ObsDim, TestUtil.ObsDim), actions.AsSpan(i * d, d), score);
        }));
        Assert.Equal(0, Measure(() =>
        {
            ((IPolicy)policy).PolicyGradient(obs, actions, weights, n, gradient);
            policy.Scores(obs, actions, n, scores);
            policy.LogProbs(obs, actions, n, logProbs);
            sink += policy.MeanEntropy(obs, n) + policy.MeanKl(theta, thetaB, obs, n);
            policy.MeanAction(obs.AsSpan(0, TestUtil.ObsDim), actions.AsSpan(0, d));
        }));
        Assert.Equal(0, Measure(() => fisher.Apply(v, fv)));
        Assert.Equal(0, Measure(() => dense.Apply(v, fv)));
        Assert.Equal(0, Measure(() => sink += cg.Solve(fisher, 0.1, v, x).Residual));
        Assert.True(double.IsFinite(sink));
    }
}
