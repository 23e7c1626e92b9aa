using NatPolicy.Agents.Policies;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Policies;

/// <summary>
/// A <see cref="PolicyBatch"/> gives the row-by-row results: bit for bit for the linear and random-Fourier maps (whose
/// batch calls keep the single-row order), to 1e-12 for the MLP (whose batch kernels may sum in blocks).
/// </summary>
[Trait("Category", "Math")]
public sealed class PolicyBatchTests
{
    public static IEnumerable<object[]> Combos() => TestUtil.Combos();

    private const int Rows = 13;

    private static (ParametricPolicy Policy, double[] Obs, double[] Actions, double[] Weights) Fixture(string kind, string head, ulong seed)
    {
        var rng = new Rng(seed);
        ParametricPolicy policy = TestUtil.RandomPolicy(kind, head, seed);
        double[] obs = TestUtil.Gaussian(rng, Rows * TestUtil.ObsDim);
        int d = policy.ActionSpace.Dimension;
        var actions = new double[Rows * d];
        for (int r = 0; r < Rows; r++) policy.Sample(obs.AsSpan(r * TestUtil.ObsDim, TestUtil.ObsDim), rng, actions.AsSpan(r * d, d));
        double[] weights = TestUtil.Gaussian(rng, Rows);
        weights[3] = 0; // a zero advantage
        return (policy, obs, actions, weights);
    }

    private static void Same(string kind, ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string what)
    {
        if (kind == "mlp") Assert.True(TestUtil.RelativeError(actual, expected) <= 1e-12, $"{what}: {TestUtil.RelativeError(actual, expected)}");
        else Assert.True(PolicyBatch.SameBits(expected, actual), $"{kind} {what}: not bit-identical (relative error {TestUtil.RelativeError(actual, expected)})");
    }

    private static ReadOnlySpan<double> Obs(double[] obs, int r) => obs.AsSpan(r * TestUtil.ObsDim, TestUtil.ObsDim);

    [Theory]
    [MemberData(nameof(Combos))]
    public void Fisher_products_equal_the_per_row_products(string kind, string head)
    {
        var (policy, obs, actions, _) = Fixture(kind, head, 41);
        int p = policy.ParameterCount;
        double[] v = TestUtil.Gaussian(new Rng(5), p), expected = new double[p], actual = new double[p];
        for (int r = 0; r < Rows; r++) policy.AddFisherVectorProduct(Obs(obs, r), v, 1.0 / Rows, expected);
        var batch = policy.CreateBatch(Rows + 4);
        batch.Load(obs, actions, Rows);
        batch.FisherVectorProduct(policy.Parameters, v, actual);
        Same(kind, expected, actual, "F v");
        // A second product at the kept forward pass, after an evaluation at another θ in between.
        double[] other = policy.Parameters.ToArray().Select(t => t + 0.25).ToArray();
        _ = batch.MeanEntropy(other);
        _ = batch.MeanKl(other, policy.Parameters);
        Array.Clear(actual);
        batch.FisherVectorProduct(policy.Parameters, v, actual);
        Same(kind, expected, actual, "F v after another θ");

        // A product at the other θ (the second kept forward pass, with its own head state), then the first θ again.
        double[] theta = policy.Parameters.ToArray(), expectedOther = new double[p];
        policy.SetParameters(other);
        for (int r = 0; r < Rows; r++) policy.AddFisherVectorProduct(Obs(obs, r), v, 1.0 / Rows, expectedOther);
        policy.SetParameters(theta);
        batch.FisherVectorProduct(other, v, actual);
        Same(kind, expectedOther, actual, "F v at the other θ");
        batch.FisherVectorProduct(theta, v, actual);
        Same(kind, expected, actual, "F v back at the first θ");

        // New rows at the same θ: nothing kept from the old rows is used.
        double[] obs2 = obs.Select(x => -0.5 * x).ToArray(), expected2 = new double[p];
        for (int r = 0; r < Rows; r++) policy.AddFisherVectorProduct(Obs(obs2, r), v, 1.0 / Rows, expected2);
        batch.Load(obs2, actions, Rows);
        batch.FisherVectorProduct(theta, v, actual);
        Same(kind, expected2, actual, "F v on reloaded rows");
    }

    [Theory]
    [MemberData(nameof(Combos))]
    public void Gradient_and_per_group_sums_equal_the_weighted_per_row_scores(string kind, string head)
    {
        var (policy, obs, actions, weights) = Fixture(kind, head, 42);
        int p = policy.ParameterCount, d = policy.ActionSpace.Dimension;
        const int groups = 3;
        var expected = new double[groups * p];
        var score = new double[p];
        for (int r = 0; r < Rows; r++)
        {
            policy.Score(Obs(obs, r), actions.AsSpan(r * d, d), score);
            double w = weights[r] / Rows;
            for (int j = 0; j < p; j++) expected[r % groups * p + j] += w * score[j];
        }
        var batch = policy.CreateBatch(Rows);
        batch.Load(obs, actions, Rows);
        var sums = new double[groups * p];
        batch.ScoreSums(policy.Parameters, weights, groups, sums);
        Same(kind, expected, sums, "per-group sums");

        var gradient = new double[p];
        var reference = new double[p];
        ((IPolicy)policy).PolicyGradient(obs, actions, weights, Rows, reference);
        batch.PolicyGradient(policy.Parameters, weights, gradient);
        Same(kind, reference, gradient, "policy gradient");

        var scores = new double[Rows * p];
        var rowScores = new double[Rows * p];
        policy.Scores(obs, actions, Rows, rowScores);
        batch.Scores(policy.Parameters, scores);
        Assert.Equal(rowScores, scores);
    }

    [Theory]
    [MemberData(nameof(Combos))]
    public void Log_probs_entropy_and_kl_equal_the_per_row_values_at_any_theta(string kind, string head)
    {
        var (policy, obs, actions, _) = Fixture(kind, head, 43);
        double[] theta0 = policy.Parameters.ToArray();
        var rng = new Rng(8);
        double[][] thetas = [theta0, .. Enumerable.Range(0, 3).Select(_ => theta0.Zip(TestUtil.Gaussian(rng, theta0.Length, 0.1), (t, e) => t + e).ToArray())];
        var batch = policy.CreateBatch(Rows);
        batch.Load(obs, actions, Rows);
        var expected = new double[Rows];
        var actual = new double[Rows];
        // Every pair in an order that exercises the kept outputs (θ₀ first), the other slot and its eviction.
        foreach (var (a, b) in new[] { (0, 1), (1, 2), (2, 3), (3, 0), (0, 2), (2, 1) })
        {
            double kl = policy.MeanKl(thetas[a], thetas[b], obs, Rows);
            Same(kind, [kl], [batch.MeanKl(thetas[a], thetas[b])], $"KL({a}, {b})");
            policy.SetParameters(thetas[b]);
            policy.LogProbs(obs, actions, Rows, expected);
            double entropy = policy.MeanEntropy(obs, Rows);
            policy.SetParameters(theta0);
            batch.LogProbs(thetas[b], actual);
            Same(kind, expected, actual, $"log-probs at θ{b}");
            Same(kind, [entropy], [batch.MeanEntropy(thetas[b])], $"entropy at θ{b}");
        }
        Assert.Equal(theta0, policy.Parameters.ToArray()); // the batch never moves the policy
    }

    [Theory]
    [MemberData(nameof(Combos))]
    public void Sample_with_log_prob_has_the_bits_of_sample_then_log_prob(string kind, string head)
    {
        var (policy, obs, _, _) = Fixture(kind, head, 45);
        int d = policy.ActionSpace.Dimension;
        Rng a = new(3), b = new(3);
        double[] first = new double[d], second = new double[d];
        for (int r = 0; r < Rows; r++)
        {
            policy.Sample(Obs(obs, r), a, first);
            double expected = policy.LogProb(Obs(obs, r), first);
            double actual = policy.SampleWithLogProb(Obs(obs, r), b, second);
            Assert.Equal(first, second);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual));
        }
    }

    [Fact]
    public void A_reload_forgets_the_kept_outputs_and_the_rollout_reloads_only_on_new_rows()
    {
        var (policy, obs, actions, _) = Fixture("rff", "gaussian", 44);
        var buffer = new NatPolicy.Agents.Training.RolloutBuffer(Rows, 1, TestUtil.ObsDim, policy.ActionSpace.Dimension);
        obs.CopyTo(buffer.Observations, 0);
        actions.CopyTo(buffer.Actions, 0);
        PolicyBatch rows = buffer.Rows(policy);
        double before = rows.MeanEntropy(policy.Parameters) + rows.MeanKl(policy.Parameters, policy.Parameters.ToArray().Select(t => t * 1.1).ToArray());
        Assert.Same(rows, buffer.Rows(policy));
        buffer.Observations[0] += 1; // a refill
        Assert.False(rows.Holds(buffer.Observations, buffer.Actions, Rows));
        Assert.Same(rows, buffer.Rows(policy));
        Assert.True(rows.Holds(buffer.Observations, buffer.Actions, Rows));
        var logProbs = new double[Rows];
        var expected = new double[Rows];
        rows.LogProbs(policy.Parameters, logProbs);
        policy.LogProbs(buffer.Observations, buffer.Actions, Rows, expected);
        Assert.Equal(expected, logProbs);
        Assert.True(double.IsFinite(before));
    }

    [Fact]
    public void Random_fourier_batch_calls_equal_the_single_row_calls()
    {
        var rng = new Rng(12);
        var map = new RandomFourierFeatureMap(TestUtil.ObsDim, 2, 17, 1.3, rng);
        double[] theta = TestUtil.Gaussian(rng, map.ParameterCount), obs = TestUtil.Gaussian(rng, Rows * TestUtil.ObsDim);
        double[] v = TestUtil.Gaussian(rng, map.ParameterCount), u = TestUtil.Gaussian(rng, Rows * 2), c = TestUtil.Gaussian(rng, Rows);
        var batch = map.CreateBatch(Rows);
        map.LoadBatch(batch, obs, Rows);
        double[] z = new double[Rows * 2], dz = new double[Rows * 2], g = new double[map.ParameterCount], gw = new double[map.ParameterCount];
        map.ForwardBatch(theta, batch, z);
        map.JvpBatch(theta, batch, v, dz);
        map.VjpBatch(theta, batch, u, g);
        map.WeightedVjpBatch(theta, batch, u, c, gw);
        var single = new RandomFourierFeatureMap(TestUtil.ObsDim, 2, 1.3, map.Projection.ToArray(), map.Phase.ToArray());
        double[] z1 = new double[2], dz1 = new double[2], g1 = new double[map.ParameterCount], gw1 = new double[map.ParameterCount], s = new double[map.ParameterCount];
        for (int r = 0; r < Rows; r++)
        {
            single.Forward(theta, Obs(obs, r), z1);
            Assert.Equal(z1, z.AsSpan(r * 2, 2).ToArray());
            single.Jvp(theta, v, dz1);
            Assert.Equal(dz1, dz.AsSpan(r * 2, 2).ToArray());
            single.Vjp(theta, u.AsSpan(r * 2, 2), g1);
            Array.Clear(s);
            single.Vjp(theta, u.AsSpan(r * 2, 2), s);
            for (int j = 0; j < s.Length; j++) gw1[j] += c[r] * s[j];
        }
        Assert.Equal(g1, g);
        Assert.Equal(gw1, gw);
    }
}
