using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Policies;
using NatPolicy.Agents.Solvers;
using NatPolicy.Agents.Training;
using NatPolicy.Agents.Updates;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Updates;

[Trait("Category", "Math")]
public sealed class NaturalActorCriticTests
{
    private const int Steps = 200, Envs = 3;

    /// <summary>A batch of random states, actions sampled from the policy, random rewards, values and episode ends.</summary>
    private static RolloutBuffer Batch(IPolicy policy, ulong seed)
    {
        var rng = new Rng(seed);
        int n = policy.ObservationDimension, d = policy.ActionSpace.Dimension;
        var b = new RolloutBuffer(Steps, Envs, n, d);
        for (int row = 0; row < b.Count; row++)
        {
            for (int j = 0; j < n; j++) b.Observations[row * n + j] = rng.NextGaussian();
            policy.Sample(b.Observation(row), rng, b.Actions.AsSpan(row * d, d));
            b.Rewards[row] = 1 + rng.NextGaussian();
            b.Values[row] = rng.NextGaussian();
            b.NextValues[row] = rng.NextGaussian();
            double u = rng.NextDouble();
            b.Terminated[row] = u < 0.06;
            b.Truncated[row] = u is >= 0.06 and < 0.08;
        }
        return b;
    }

    /// <summary>
    /// Eliminating J from the augmented normal equations [ΨᵀΨ + EλI, Ψᵀ1; 1ᵀΨ, E] [w; J] = [ΨᵀR; 1ᵀR] leaves
    /// (Ψ_cᵀΨ_c + EλI) w = Ψ_cᵀ R with Ψ_c the centred features, i.e. w = (F_ψ + λI)⁻¹ g_ψ with
    /// F_ψ = (1/E) Σ (ψ − ψ̄)(ψ − ψ̄)ᵀ and g_ψ = (1/E) Σ (ψ − ψ̄)(R − R̄). Built here independently of the regression.
    /// (Softmax over K arms needs λ &gt; 0: shifting all logits together is a null direction of F_ψ.)
    /// </summary>
    [Theory]
    [InlineData("softmax", 1e-3)]
    [InlineData("softmax", 1e-6)]
    [InlineData("gaussian", 0.0)]
    [InlineData("gaussian", 1e-3)]
    public void Compatible_critic_weights_equal_the_episode_fisher_solve(string head, double damping)
    {
        ParametricPolicy policy = TestUtil.RandomPolicy("linear", head, seed: 7);
        RolloutBuffer batch = Batch(policy, 8);
        int p = policy.ParameterCount;
        var (psi, returns) = NaturalActorCritic.EpisodeFeatures(policy, batch, 0.97, new double[p]);
        int e = returns.Length;
        Assert.True(e > p + 1, $"{e} episodes for {p} parameters");

        var w = new double[p];
        Assert.True(NaturalActorCritic.CompatibleWeights(psi, returns, p, damping, w));

        var mean = new double[p];
        for (int r = 0; r < e; r++)
            for (int j = 0; j < p; j++) mean[j] += psi[r * p + j] / e;
        double rBar = returns.Average();
        var f = new double[p * p];
        var g = new double[p];
        for (int r = 0; r < e; r++)
            for (int i = 0; i < p; i++)
            {
                double ci = psi[r * p + i] - mean[i];
                g[i] += ci * (returns[r] - rBar) / e;
                for (int j = 0; j < p; j++) f[i * p + j] += ci * (psi[r * p + j] - mean[j]) / e;
            }
        var direction = new double[p];
        Assert.Equal(SolveStatus.Converged, new CholeskySolver().Solve(new DenseFisher(p, f), damping, g, direction).Status);
        double err = TestUtil.RelativeError(w, direction);
        Assert.True(err <= 1e-6, $"relative error {err}");
    }

    /// <summary>ψₑ sums γᵗ ∇log π over each segment, and Rₑ the discounted rewards, bootstrapped where cut, minus V at the start.</summary>
    [Fact]
    public void Episode_features_follow_the_segments_of_each_env_copy()
    {
        ParametricPolicy policy = TestUtil.RandomPolicy("linear", "softmax", seed: 9);
        RolloutBuffer batch = Batch(policy, 10);
        const double gamma = 0.9;
        int p = policy.ParameterCount;
        var (psi, returns) = NaturalActorCritic.EpisodeFeatures(policy, batch, gamma, new double[p]);
        // Env copy 0's first segment, recomputed by hand.
        int end = 0;
        while (!(batch.Terminated[end] || batch.Truncated[end])) end += Envs;
        var score = new double[p];
        var expected = new double[p];
        double ret = 0, disc = 1;
        for (int row = 0; row <= end; row += Envs)
        {
            policy.Score(batch.Observation(row), batch.Action(row), score);
            for (int j = 0; j < p; j++) expected[j] += disc * score[j];
            ret += disc * batch.Rewards[row];
            disc *= gamma;
        }
        ret += (batch.Terminated[end] ? 0 : disc * batch.NextValues[end]) - batch.Values[0];
        int index = Enumerable.Range(0, batch.Count).Count(r => r < end && (batch.Terminated[r] || batch.Truncated[r] || r + Envs >= batch.Count));
        Assert.Equal(ret, returns[index], 12);
        Assert.True(TestUtil.RelativeError(psi.AsSpan(index * p, p), expected) < 1e-12);
    }

    [Fact]
    public void The_update_moves_theta_by_the_kl_budget()
    {
        ParametricPolicy policy = TestUtil.RandomPolicy("linear", "softmax", seed: 12);
        RolloutBuffer batch = Batch(policy, 13);
        var before = policy.Parameters.ToArray();
        var update = new NaturalActorCritic(policy.ParameterCount, 0.97, 1e-4, maxKl: 1e-4);
        var result = update.Update(policy, batch, new double[policy.ParameterCount]);
        Assert.True(result.Accepted, result.Rejection);
        double kl = policy.MeanKl(before, policy.Parameters, batch.Observations, batch.Count);
        Assert.InRange(kl, 0.5e-4, 1.5e-4);
    }
}
