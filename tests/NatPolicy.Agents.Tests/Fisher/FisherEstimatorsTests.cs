using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Policies;
using NatPolicy.Agents.Solvers;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Fisher;

[Trait("Category", "Math")]
public sealed class FisherEstimatorsTests
{
    public static IEnumerable<object[]> Combos() => TestUtil.Combos();

    private static double[] Dense(ILinearOperator op) => ((DenseFisher)op).Matrix.ToColumnMajorArray();

    private static double[] SampleActions(IPolicy policy, double[] obs, int count, Rng rng)
    {
        int n = policy.ObservationDimension, d = policy.ActionSpace.Dimension;
        var actions = new double[count * d];
        for (int i = 0; i < count; i++) policy.Sample(obs.AsSpan(i * n, n), rng, actions.AsSpan(i * d, d));
        return actions;
    }

    [Fact]
    public void One_dimensional_gaussian_fisher_in_mean_and_log_std_is_diag_inverse_variance_and_two()
    {
        // Linear map over an empty observation: θ = (μ, log σ).
        ParametricPolicy policy = PolicyFactory.Create(new PolicyConfig(), 0, BoxSpace.Uniform(-5, 5, 1), new Rng(1));
        const double mu = 0.3, logStd = -0.4;
        policy.SetParameters([mu, logStd]);
        double sigma2 = Math.Exp(2 * logStd);
        double[] f = Dense(new ExactFisherEstimator().Build(policy, Array.Empty<double>(), Array.Empty<double>(), 1));
        Assert.Equal(1 / sigma2, f[0], 12);
        Assert.Equal(0.0, f[1], 12);
        Assert.Equal(0.0, f[2], 12);
        Assert.Equal(2.0, f[3], 12);

        // The empirical Fisher from many draws approaches it.
        var rng = new Rng(2);
        const int n = 100_000;
        var obs = Array.Empty<double>();
        double[] actions = SampleActions(policy, [], n, rng);
        double[] emp = Dense(new EmpiricalFisherEstimator().Build(policy, obs, actions, n));
        Assert.Equal(1 / sigma2, emp[0], 1 / sigma2 * 0.03);
        Assert.Equal(2.0, emp[3], 0.06);
        Assert.Equal(0.0, emp[1], 0.05);
    }

    [Fact]
    public void Softmax_over_free_logits_has_fisher_diag_p_minus_p_p_transpose()
    {
        ParametricPolicy policy = PolicyFactory.Create(new PolicyConfig(), 0, new DiscreteSpace(4), new Rng(1));
        double[] z = [0.5, -1.0, 0.2, 1.3];
        policy.SetParameters(z);
        double[] p = z.Select(Math.Exp).ToArray();
        double total = p.Sum();
        for (int i = 0; i < 4; i++) p[i] /= total;
        double[] f = Dense(new ExactFisherEstimator().Build(policy, Array.Empty<double>(), Array.Empty<double>(), 1));
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                Assert.Equal((r == c ? p[r] : 0) - p[r] * p[c], f[r * 4 + c], 14);
    }

    [Theory]
    [MemberData(nameof(Combos))]
    public void Empirical_fisher_agrees_with_the_exact_expectation_within_monte_carlo_error(string kind, string head)
    {
        var rng = new Rng(808);
        ParametricPolicy policy = TestUtil.RandomPolicy(kind, head, 51);
        const int states = 3, perState = 20_000;
        double[] distinct = TestUtil.Gaussian(rng, states * TestUtil.ObsDim);
        int n = states * perState;
        var obs = new double[n * TestUtil.ObsDim];
        for (int i = 0; i < n; i++) distinct.AsSpan((i % states) * TestUtil.ObsDim, TestUtil.ObsDim).CopyTo(obs.AsSpan(i * TestUtil.ObsDim));
        double[] actions = SampleActions(policy, obs, n, rng);
        double[] emp = Dense(new EmpiricalFisherEstimator().Build(policy, obs, actions, n));
        double[] exact = Dense(new ExactFisherEstimator().Build(policy, distinct, Array.Empty<double>(), states));
        double err = TestUtil.RelativeError(emp, exact);
        // Entries are means of 60 000 products of scores: relative Monte Carlo error ≈ a few × 1/√60000 ≈ 0.01.
        Assert.True(err < 0.05, $"{kind}/{head}: empirical vs exact Fisher relative (Frobenius) error {err}");
    }

    [Theory]
    [MemberData(nameof(Combos))]
    public void Matrix_free_product_equals_the_dense_exact_fisher_times_v(string kind, string head)
    {
        var rng = new Rng(909);
        ParametricPolicy policy = TestUtil.RandomPolicy(kind, head, 61);
        const int states = 6;
        double[] obs = TestUtil.Gaussian(rng, states * TestUtil.ObsDim);
        ILinearOperator dense = new ExactFisherEstimator().Build(policy, obs, Array.Empty<double>(), states);
        ILinearOperator free = new MatrixFreeFisherEstimator().Build(policy, obs, Array.Empty<double>(), states);
        Assert.Equal(policy.ParameterCount, free.Dimension);
        for (int t = 0; t < 3; t++)
        {
            double[] v = TestUtil.Gaussian(rng, policy.ParameterCount);
            var fvDense = new double[v.Length];
            var fvFree = new double[v.Length];
            dense.Apply(v, fvDense);
            free.Apply(v, fvFree);
            Assert.True(TestUtil.RelativeError(fvFree, fvDense) < 1e-12, $"{kind}/{head}: {TestUtil.RelativeError(fvFree, fvDense)}");
        }
    }

    [Fact]
    public void Matrix_free_operator_is_a_snapshot_of_theta_at_build_time()
    {
        var rng = new Rng(1);
        ParametricPolicy policy = TestUtil.RandomPolicy("mlp", "softmax", 3);
        double[] obs = TestUtil.Gaussian(rng, 2 * TestUtil.ObsDim), v = TestUtil.Gaussian(rng, policy.ParameterCount);
        ILinearOperator op = new MatrixFreeFisherEstimator().Build(policy, obs, Array.Empty<double>(), 2);
        var before = new double[v.Length];
        var after = new double[v.Length];
        op.Apply(v, before);
        policy.SetParameters(TestUtil.Gaussian(rng, policy.ParameterCount));
        op.Apply(v, after);
        Assert.Equal(before, after);
    }

    [Theory]
    [MemberData(nameof(Combos))]
    public void Kl_curvature_is_the_fisher(string kind, string head)
    {
        var rng = new Rng(1010);
        ParametricPolicy policy = TestUtil.RandomPolicy(kind, head, 71);
        const int states = 5;
        double[] obs = TestUtil.Gaussian(rng, states * TestUtil.ObsDim);
        ILinearOperator f = new MatrixFreeFisherEstimator().Build(policy, obs, Array.Empty<double>(), states);
        double[] theta = policy.Parameters.ToArray(), d = TestUtil.Gaussian(rng, theta.Length);
        var fd = new double[d.Length];
        f.Apply(d, fd);
        double dFd = TestUtil.Dot(d, fd);
        double previous = double.PositiveInfinity;
        foreach (double eps in new[] { 1e-1, 1e-2, 1e-3 })
        {
            double[] moved = theta.Select((t, i) => t + eps * d[i]).ToArray();
            double ratio = policy.MeanKl(theta, moved, obs, states) / (0.5 * eps * eps * dFd);
            double gap = Math.Abs(ratio - 1);
            Assert.True(gap < previous || gap < 1e-6, $"{kind}/{head}: |ratio − 1| did not shrink at ε = {eps}: {gap}");
            previous = gap;
        }
        Assert.True(previous < 5e-3, $"{kind}/{head}: KL / (½ε² dᵀFd) − 1 = {previous} at ε = 1e-3");
    }

    [Fact]
    public void Fisher_kinds_parse_and_create()
    {
        Assert.Equal(FisherKind.MatrixFree, FisherEstimators.Parse("matrix-free"));
        Assert.Equal(FisherKind.Empirical, FisherEstimators.Create(FisherKind.Empirical).Kind);
        Assert.Null(FisherEstimators.Parse("diagonal"));
        // One spelling per kind: no aliases, no case folding.
        Assert.Null(FisherEstimators.Parse("mf"));
        Assert.Null(FisherEstimators.Parse("Exact"));
        Assert.All(FisherEstimators.Names, n => Assert.Equal(n, FisherEstimators.Name(FisherEstimators.Parse(n)!.Value)));
    }

    // ---- natural-gradient properties ----

    [Fact]
    public void Bandit_natural_gradient_step_is_multiplicative_weights()
    {
        // 3 arms, uniform start, rewards (1, 0, 0), η = 1: the NPG step gives p' ∝ p·exp(η r).
        ParametricPolicy policy = PolicyFactory.Create(new PolicyConfig(), 0, new DiscreteSpace(3), new Rng(1));
        double[] rewards = [1, 0, 0];
        double[] expected = rewards.Select(Math.Exp).ToArray();
        double z = expected.Sum();
        for (int i = 0; i < 3; i++) expected[i] /= z;
        Assert.Equal(0.57612, expected[0], 5);
        Assert.Equal(0.21194, expected[1], 5);

        // Exact ∇J = Σₐ p(a) r(a) ∇log π(a) = (1/3) Σₐ [3 p(a) r(a)] ∇log π(a).
        double[] actions = [0, 1, 2];
        const double uniform = 1.0 / 3;
        double[] weights = rewards.Select(r => 3 * uniform * r).ToArray();
        var g = new double[3];
        ((IPolicy)policy).PolicyGradient(Array.Empty<double>(), actions, weights, 3, g);
        ILinearOperator f = new ExactFisherEstimator().Build(policy, Array.Empty<double>(), Array.Empty<double>(), 1);

        foreach ((IFisherSolver solver, double damping) in new (IFisherSolver, double)[]
                 {
                     (new PseudoInverseSolver(), 0), (new CholeskySolver(), 1e-9), (new ConjugateGradientSolver(10, 1e-12), 1e-9),
                 })
        {
            var x = new double[3];
            SolveResult result = solver.Solve(f, damping, g, x);
            Assert.Equal(SolveStatus.Converged, result.Status);
            var stepped = (SoftmaxPolicy)policy.Clone();
            stepped.SetParameters(x); // θ = 0 + η x with η = 1
            var p = new double[3];
            stepped.Probabilities([], p);
            for (int i = 0; i < 3; i++)
                Assert.True(Math.Abs(p[i] - expected[i]) < 1e-6, $"{solver.Kind}: p[{i}] = {p[i]}, expected {expected[i]}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Natural_gradient_step_is_invariant_to_linear_feature_reparametrisation(bool general)
    {
        var rng = new Rng(general ? 1212UL : 1111UL);
        const int n = 3, k = 3, states = 25;
        int p = k * (n + 1);
        var space = new DiscreteSpace(k);
        ParametricPolicy original = PolicyFactory.Create(new PolicyConfig(), n, space, rng);
        double[] theta = TestUtil.Gaussian(rng, p, 0.5);
        original.SetParameters(theta);

        // A: diagonal with scales spanning [0.2, 5], or a general invertible map (random + 2I).
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                a[i, j] = general ? rng.NextGaussian() + (i == j ? 2.0 : 0.0) : i == j ? Math.Exp(rng.NextDouble(Math.Log(0.2), Math.Log(5))) : 0;
        var aInv = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(a).Inverse();

        // Transformed features s' = A s and parameters W' = W A⁻¹, b' = b give the same policy.
        double[] obs = TestUtil.Gaussian(rng, states * n), obsT = new double[states * n];
        for (int s = 0; s < states; s++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) obsT[s * n + i] += a[i, j] * obs[s * n + j];
        var thetaT = (double[])theta.Clone();
        for (int r = 0; r < k; r++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += theta[r * n + i] * aInv[i, j];
                thetaT[r * n + j] = sum;
            }
        ParametricPolicy transformed = PolicyFactory.Create(new PolicyConfig(), n, space, rng);
        transformed.SetParameters(thetaT);
        Assert.True(MaxProbabilityGap(original, theta, obs, transformed, thetaT, obsT, states) < 1e-12);

        // Same sampled actions and advantages in both coordinate systems.
        double[] actions = SampleActions(original, obs, states, rng), advantages = TestUtil.Gaussian(rng, states);
        double[] g = Gradient(original, obs, actions, advantages, states), gT = Gradient(transformed, obsT, actions, advantages, states);
        double[] x = Natural(original, obs, g, states), xT = Natural(transformed, obsT, gT, states);

        const double eta = 0.5;
        double[] MapBack(double[] stepT)
        {
            // ΔW = ΔW' A, Δb = Δb'.
            var step = (double[])stepT.Clone();
            for (int r = 0; r < k; r++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < n; i++) sum += stepT[r * n + i] * a[i, j];
                    step[r * n + j] = sum;
                }
            return step;
        }
        double[] Add(double[] t, double[] step) => t.Select((v, i) => v + eta * step[i]).ToArray();

        double natural = MaxProbabilityGap(original, Add(theta, x), obs, transformed, Add(thetaT, xT), obsT, states);
        double mapped = MaxProbabilityGap(original, Add(theta, x), obs, original, Add(theta, MapBack(xT)), obs, states);
        double vanilla = MaxProbabilityGap(original, Add(theta, g), obs, transformed, Add(thetaT, gT), obsT, states);
        double moved = MaxProbabilityGap(original, theta, obs, original, Add(theta, x), obs, states);
        Assert.True(moved > 1e-2, $"the natural step must change the policy (max Δp {moved})");
        Assert.True(natural < 1e-8, $"natural-gradient policies differ by {natural}");
        Assert.True(mapped < 1e-8, $"mapped-back natural step differs by {mapped}");
        Assert.True(vanilla > 1e-4, $"vanilla steps should differ under reparametrisation, but max Δp = {vanilla}");
    }

    private static double[] Gradient(IPolicy policy, double[] obs, double[] actions, double[] weights, int count)
    {
        var g = new double[policy.ParameterCount];
        policy.PolicyGradient(obs, actions, weights, count, g);
        return g;
    }

    private static double[] Natural(IPolicy policy, double[] obs, double[] g, int count)
    {
        ILinearOperator f = new ExactFisherEstimator().Build(policy, obs, Array.Empty<double>(), count);
        var x = new double[g.Length];
        Assert.Equal(SolveStatus.Converged, new PseudoInverseSolver().Solve(f, 0, g, x).Status);
        return x;
    }

    private static double MaxProbabilityGap(ParametricPolicy a, double[] thetaA, double[] obsA, ParametricPolicy b, double[] thetaB, double[] obsB, int states)
    {
        var pa = (SoftmaxPolicy)a.Clone();
        var pb = (SoftmaxPolicy)b.Clone();
        pa.SetParameters(thetaA);
        pb.SetParameters(thetaB);
        int n = a.ObservationDimension, k = ((DiscreteSpace)a.ActionSpace).N;
        var qa = new double[k];
        var qb = new double[k];
        double gap = 0;
        for (int s = 0; s < states; s++)
        {
            pa.Probabilities(obsA.AsSpan(s * n, n), qa);
            pb.Probabilities(obsB.AsSpan(s * n, n), qb);
            for (int i = 0; i < k; i++) gap = Math.Max(gap, Math.Abs(qa[i] - qb[i]));
        }
        return gap;
    }
}
