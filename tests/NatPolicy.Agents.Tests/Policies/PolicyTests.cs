using NatPolicy.Agents.Policies;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Policies;

[Trait("Category", "Math")]
public sealed class PolicyTests
{
    public static IEnumerable<object[]> Combos() => TestUtil.Combos();

    private static double[] RandomAction(IPolicy policy, Rng rng) =>
        policy.ActionSpace is DiscreteSpace d ? [rng.NextInt(d.N)] : TestUtil.Gaussian(rng, policy.ActionSpace.Dimension, 1.5);

    [Theory]
    [MemberData(nameof(Combos))]
    public void Score_matches_central_finite_differences_of_log_prob(string kind, string head)
    {
        var rng = new Rng(101);
        for (int trial = 0; trial < 4; trial++)
        {
            ParametricPolicy policy = TestUtil.RandomPolicy(kind, head, 1000 + (ulong)trial);
            int p = policy.ParameterCount;
            double[] s = TestUtil.Gaussian(rng, TestUtil.ObsDim), a = RandomAction(policy, rng);
            var score = new double[p];
            double lp = policy.Score(s, a, score);
            Assert.Equal(policy.LogProb(s, a), lp, 12);

            var theta = new double[p];
            policy.GetParameters(theta);
            var fd = new double[p];
            const double h = 1e-5;
            for (int j = 0; j < p; j++)
            {
                double t = theta[j];
                theta[j] = t + h;
                policy.SetParameters(theta);
                double up = policy.LogProb(s, a);
                theta[j] = t - h;
                policy.SetParameters(theta);
                double down = policy.LogProb(s, a);
                theta[j] = t;
                fd[j] = (up - down) / (2 * h);
            }
            policy.SetParameters(theta);
            double err = TestUtil.RelativeError(score, fd);
            Assert.True(err < 1e-6, $"{kind}/{head} trial {trial}: score vs finite differences relative error {err}");
        }
    }

    [Theory]
    [MemberData(nameof(Combos))]
    public void Kl_is_zero_for_equal_parameters_nonnegative_and_matches_monte_carlo(string kind, string head)
    {
        var rng = new Rng(202);
        ParametricPolicy policy = TestUtil.RandomPolicy(kind, head, 7);
        int p = policy.ParameterCount;
        double[] thetaA = policy.Parameters.ToArray();
        double[] thetaB = (double[])thetaA.Clone();
        for (int i = 0; i < p; i++) thetaB[i] += 0.3 * rng.NextGaussian();
        const int states = 4;
        double[] obs = TestUtil.Gaussian(rng, states * TestUtil.ObsDim);

        Assert.Equal(0.0, policy.MeanKl(thetaA, thetaA, obs, states));
        double kl = policy.MeanKl(thetaA, thetaB, obs, states);
        Assert.True(kl > 0, $"KL {kl} must be positive for different θ");
        Assert.True(policy.MeanKl(thetaB, thetaA, obs, states) > 0);
        Assert.Equal(thetaA, policy.Parameters.ToArray()); // MeanKl leaves θ alone

        // Monte Carlo: mean over states of E_{a~π_A}[log π_A − log π_B].
        IPolicy b = policy.Clone();
        b.SetParameters(thetaB);
        const int samples = 4000;
        var action = new double[policy.ActionSpace.Dimension];
        double sum = 0, sumSq = 0;
        for (int i = 0; i < states; i++)
        {
            ReadOnlySpan<double> s = obs.AsSpan(i * TestUtil.ObsDim, TestUtil.ObsDim);
            for (int j = 0; j < samples; j++)
            {
                policy.Sample(s, rng, action);
                double d = policy.LogProb(s, action) - b.LogProb(s, action);
                sum += d;
                sumSq += d * d;
            }
        }
        int total = states * samples;
        double mean = sum / total, se = Math.Sqrt((sumSq / total - mean * mean) / total);
        Assert.True(Math.Abs(mean - kl) < 5 * se + 1e-3, $"{kind}/{head}: analytic KL {kl}, Monte Carlo {mean} ± {se}");
    }

    [Theory]
    [MemberData(nameof(Combos))]
    public void Entropy_matches_monte_carlo_and_closed_forms(string kind, string head)
    {
        var rng = new Rng(303);
        ParametricPolicy policy = TestUtil.RandomPolicy(kind, head, 17);
        double[] s = TestUtil.Gaussian(rng, TestUtil.ObsDim);
        double h = policy.Entropy(s);
        var action = new double[policy.ActionSpace.Dimension];
        const int samples = 20000;
        double sum = 0, sumSq = 0;
        for (int j = 0; j < samples; j++)
        {
            policy.Sample(s, rng, action);
            double nl = -policy.LogProb(s, action);
            sum += nl;
            sumSq += nl * nl;
        }
        double mean = sum / samples, se = Math.Sqrt((sumSq / samples - mean * mean) / samples);
        Assert.True(Math.Abs(mean - h) < 5 * se + 1e-9, $"{kind}/{head}: entropy {h}, Monte Carlo −E[log π] {mean} ± {se}");

        if (policy is GaussianPolicy g)
        {
            double expected = 0;
            foreach (double ls in g.LogStd) expected += 0.5 * Math.Log(2 * Math.PI * Math.E * Math.Exp(2 * ls));
            Assert.Equal(expected, h, 12);
        }
        else
        {
            var probs = new double[TestUtil.Arms];
            ((SoftmaxPolicy)policy).Probabilities(s, probs);
            Assert.Equal(-probs.Sum(q => q * Math.Log(q)), h, 12);
        }
    }

    [Fact]
    public void Uniform_softmax_has_entropy_log_k_and_zero_init_gaussian_has_configured_std()
    {
        var rng = new Rng(1);
        IPolicy soft = PolicyFactory.Create(new PolicyConfig(), 4, new DiscreteSpace(5), rng);
        Assert.Equal(Math.Log(5), soft.Entropy([1, 2, 3, 4]), 14);
        var gauss = (GaussianPolicy)PolicyFactory.Create(new PolicyConfig(InitialLogStd: -0.7), 4, BoxSpace.Uniform(-1, 1, 3), rng);
        Assert.All(gauss.LogStd.ToArray(), ls => Assert.Equal(-0.7, ls));
        Assert.Equal(3 * (0.5 * Math.Log(2 * Math.PI * Math.E) - 0.7), gauss.Entropy([1, 2, 3, 4]), 12);
    }

    [Fact]
    public void Softmax_samples_follow_the_probabilities_and_mean_action_is_argmax()
    {
        var rng = new Rng(404);
        var policy = (SoftmaxPolicy)TestUtil.RandomPolicy("mlp", "softmax", 21, 1.0);
        double[] s = [0.5, -0.3, 1.2];
        var probs = new double[TestUtil.Arms];
        policy.Probabilities(s, probs);
        var counts = new int[TestUtil.Arms];
        var a = new double[1];
        const int n = 30000;
        for (int i = 0; i < n; i++)
        {
            policy.Sample(s, rng, a);
            counts[(int)a[0]]++;
        }
        for (int k = 0; k < TestUtil.Arms; k++)
        {
            double se = Math.Sqrt(probs[k] * (1 - probs[k]) / n);
            Assert.True(Math.Abs(counts[k] / (double)n - probs[k]) < 5 * se, $"arm {k}: frequency {counts[k] / (double)n}, probability {probs[k]}");
        }
        policy.MeanAction(s, a);
        Assert.Equal(Array.IndexOf(probs, probs.Max()), (int)a[0]);
    }

    [Fact]
    public void Gaussian_samples_have_the_policy_mean_and_std()
    {
        var rng = new Rng(505);
        var policy = (GaussianPolicy)TestUtil.RandomPolicy("rff", "gaussian", 22);
        double[] s = [0.1, 0.2, -0.4];
        var mean = new double[TestUtil.BoxDim];
        policy.MeanAction(s, mean);
        var a = new double[TestUtil.BoxDim];
        const int n = 20000;
        var sum = new double[TestUtil.BoxDim];
        var sumSq = new double[TestUtil.BoxDim];
        for (int i = 0; i < n; i++)
        {
            policy.Sample(s, rng, a);
            for (int d = 0; d < a.Length; d++) { sum[d] += a[d]; sumSq[d] += a[d] * a[d]; }
        }
        for (int d = 0; d < a.Length; d++)
        {
            double sigma = Math.Exp(policy.LogStd[d]);
            double m = sum[d] / n, sd = Math.Sqrt(sumSq[d] / n - m * m);
            Assert.True(Math.Abs(m - mean[d]) < 5 * sigma / Math.Sqrt(n), $"dim {d}: sample mean {m}, policy mean {mean[d]}");
            Assert.True(Math.Abs(sd / sigma - 1) < 0.03, $"dim {d}: sample std {sd}, σ {sigma}");
        }
    }

    [Fact]
    public void Sampling_is_reproducible_from_the_seed()
    {
        var policy = TestUtil.RandomPolicy("mlp", "gaussian", 23);
        double[] s = [0.1, 0.2, 0.3];
        var a1 = new double[2];
        var a2 = new double[2];
        var r1 = new Rng(42);
        var r2 = new Rng(42);
        for (int i = 0; i < 10; i++)
        {
            policy.Sample(s, r1, a1);
            policy.Sample(s, r2, a2);
            Assert.Equal(a1, a2);
        }
    }

    [Theory]
    [MemberData(nameof(Combos))]
    public void Batch_helpers_agree_with_per_sample_calls_and_interface_defaults(string kind, string head)
    {
        var rng = new Rng(606);
        ParametricPolicy policy = TestUtil.RandomPolicy(kind, head, 31);
        const int n = 7;
        int p = policy.ParameterCount, d = policy.ActionSpace.Dimension;
        double[] obs = TestUtil.Gaussian(rng, n * TestUtil.ObsDim), weights = TestUtil.Gaussian(rng, n);
        var actions = new double[n * d];
        for (int i = 0; i < n; i++) policy.Sample(obs.AsSpan(i * TestUtil.ObsDim, TestUtil.ObsDim), rng, actions.AsSpan(i * d, d));

        var scores = new double[n * p];
        var logProbs = new double[n];
        var gradient = new double[p];
        policy.Scores(obs, actions, n, scores);
        policy.LogProbs(obs, actions, n, logProbs);
        ((IPolicy)policy).PolicyGradient(obs, actions, weights, n, gradient);
        double meanEntropy = policy.MeanEntropy(obs, n);

        var expectedGradient = new double[p];
        var score = new double[p];
        double entropySum = 0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> s = obs.AsSpan(i * TestUtil.ObsDim, TestUtil.ObsDim), a = actions.AsSpan(i * d, d);
            double lp = policy.Score(s, a, score);
            Assert.Equal(lp, logProbs[i], 12);
            Assert.Equal(score, scores.AsSpan(i * p, p).ToArray());
            for (int j = 0; j < p; j++) expectedGradient[j] += weights[i] * score[j] / n;
            entropySum += policy.Entropy(s);
        }
        Assert.True(TestUtil.RelativeError(gradient, expectedGradient) < 1e-12);
        Assert.Equal(entropySum / n, meanEntropy, 12);

        // The IPolicy default bodies (used by other IPolicy implementations) give the same numbers.
        IPolicy wrapped = new ForwardingPolicy(policy);
        var g2 = new double[p];
        var s2 = new double[n * p];
        var lp2 = new double[n];
        wrapped.PolicyGradient(obs, actions, weights, n, g2);
        wrapped.Scores(obs, actions, n, s2);
        wrapped.LogProbs(obs, actions, n, lp2);
        Assert.True(TestUtil.RelativeError(g2, gradient) < 1e-12);
        Assert.Equal(scores, s2);
        Assert.Equal(logProbs, lp2);
        Assert.Equal(meanEntropy, wrapped.MeanEntropy(obs, n), 12);
    }

    [Theory]
    [MemberData(nameof(Combos))]
    public void Save_and_load_round_trips_bit_exactly(string kind, string head)
    {
        var rng = new Rng(707);
        ParametricPolicy policy = TestUtil.RandomPolicy(kind, head, 41);
        string json = PolicyFactory.ToJson(policy);
        ParametricPolicy loaded = PolicyFactory.FromJson(json);
        Assert.Equal(policy.GetType(), loaded.GetType());
        Assert.Equal(policy.Parameters.ToArray(), loaded.Parameters.ToArray());
        Assert.Equal(policy.ActionSpace, loaded.ActionSpace);
        Assert.Equal(json, PolicyFactory.ToJson(loaded));
        var a1 = new double[policy.ActionSpace.Dimension];
        var a2 = new double[policy.ActionSpace.Dimension];
        for (int i = 0; i < 5; i++)
        {
            double[] s = TestUtil.Gaussian(rng, TestUtil.ObsDim);
            ulong seed = rng.NextSeed();
            policy.Sample(s, new Rng(seed), a1);
            loaded.Sample(s, new Rng(seed), a2);
            Assert.Equal(a1, a2);
            Assert.Equal(policy.LogProb(s, a1), loaded.LogProb(s, a2)); // bit-exact
        }
        IPolicy clone = policy.Clone();
        var t = new double[policy.ParameterCount];
        clone.GetParameters(t);
        Assert.Equal(policy.Parameters.ToArray(), t);
    }

    [Fact]
    public void Box_with_infinite_bounds_and_awkward_doubles_round_trip()
    {
        var space = new BoxSpace([double.NegativeInfinity, -1], [double.PositiveInfinity, 1]);
        ParametricPolicy policy = PolicyFactory.Create(new PolicyConfig(InitialLogStd: 0.1), 2, space, new Rng(1));
        double[] theta = new double[policy.ParameterCount];
        for (int i = 0; i < theta.Length; i++) theta[i] = (i + 1) / 3.0 * Math.Pow(10, i - 3) + double.Epsilon * i;
        policy.SetParameters(theta);
        ParametricPolicy loaded = PolicyFactory.FromData(PolicyData.FromJson(policy.ToData().ToJson()));
        Assert.Equal(space, loaded.ActionSpace);
        Assert.Equal(theta, loaded.Parameters.ToArray());
    }

    [Fact]
    public void Saved_json_names_the_structure_explicitly()
    {
        ParametricPolicy policy = PolicyFactory.Create(new PolicyConfig(FeatureKind.Mlp), 4, new DiscreteSpace(2), new Rng(3));
        PolicyData data = PolicyData.FromJson(policy.ToData().ToJson());
        Assert.Equal(FeatureKind.Mlp, data.Config.Features);
        Assert.Equal(PolicyConfig.DefaultHiddenSizes, data.Config.HiddenSizes);
        Assert.Equal(ActionSpaceData.DiscreteKind, data.ActionSpace.Kind);
        Assert.Contains("\"Mlp\"", policy.ToData().ToJson());
        // The default MLP is the training config's, 32×32.
        Assert.Equal([32, 32], PolicyConfig.DefaultHiddenSizes);
        Assert.Equal(4 * 32 + 32 + 32 * 32 + 32 + 32 * 2 + 2, data.Parameters.Length);
    }

    [Fact]
    public void Bad_configs_and_data_are_rejected_with_a_message()
    {
        var rng = new Rng(1);
        var e1 = Assert.Throws<ArgumentException>(() => PolicyFactory.Create(new PolicyConfig(FeatureKind.Rff, RffBandwidth: 0), 2, new DiscreteSpace(2), rng));
        Assert.Contains("bandwidth", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => PolicyFactory.Create(new PolicyConfig(FeatureKind.Mlp, HiddenSizes: [4, 0]), 2, new DiscreteSpace(2), rng));
        Assert.Contains("hidden", e2.Message);
        PolicyData data = PolicyFactory.Create(new PolicyConfig(), 2, new DiscreteSpace(2), rng).ToData();
        Assert.Throws<InvalidDataException>(() => PolicyFactory.FromData(data with { Parameters = [1, 2] }));
        Assert.Equal(FeatureKind.Rff, PolicyConfig.ParseFeatureKind("rff"));
        Assert.Null(PolicyConfig.ParseFeatureKind("RFF"));
        Assert.Null(PolicyConfig.ParseFeatureKind("cnn"));
        Assert.Throws<ArgumentException>(() => PolicyFactory.Create(new PolicyConfig(), 2, new DiscreteSpace(3), rng).SetParameters(new double[2]));
    }

    /// <summary>An <see cref="IPolicy"/> that only forwards the core members, so the interface's default batch bodies run.</summary>
    private sealed class ForwardingPolicy(IPolicy inner) : IPolicy
    {
        public int ObservationDimension => inner.ObservationDimension;
        public Space ActionSpace => inner.ActionSpace;
        public int ParameterCount => inner.ParameterCount;
        public void GetParameters(Span<double> theta) => inner.GetParameters(theta);
        public void SetParameters(ReadOnlySpan<double> theta) => inner.SetParameters(theta);
        public void Sample(ReadOnlySpan<double> observation, Rng rng, Span<double> action) => inner.Sample(observation, rng, action);
        public void MeanAction(ReadOnlySpan<double> observation, Span<double> action) => inner.MeanAction(observation, action);
        public double LogProb(ReadOnlySpan<double> observation, ReadOnlySpan<double> action) => inner.LogProb(observation, action);
        public double Score(ReadOnlySpan<double> observation, ReadOnlySpan<double> action, Span<double> score) => inner.Score(observation, action, score);
        public double Entropy(ReadOnlySpan<double> observation) => inner.Entropy(observation);
        public double MeanKl(ReadOnlySpan<double> thetaA, ReadOnlySpan<double> thetaB, ReadOnlySpan<double> observations, int count) =>
            inner.MeanKl(thetaA, thetaB, observations, count);
        public IPolicy Clone() => new ForwardingPolicy(inner.Clone());
    }
}
