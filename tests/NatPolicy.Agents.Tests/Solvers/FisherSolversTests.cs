using MathNet.Numerics.LinearAlgebra;
using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Policies;
using NatPolicy.Agents.Solvers;
using NatPolicy.Agents.Tests.Core;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Solvers;

[Trait("Category", "Math")]
public sealed class FisherSolversTests
{
    private static DenseFisher Dense(Matrix<double> m) => new(m.RowCount, m.ToColumnMajorArray());

    [Fact]
    public void All_solvers_agree_on_random_spd_systems_with_and_without_damping()
    {
        var rng = new Rng(31);
        foreach (double damping in new[] { 0.0, 0.1 })
        {
            Matrix<double> a = ConjugateGradientTests.RandomSpd(rng, 12, 0.05);
            double[] g = TestUtil.Gaussian(rng, 12);
            var reference = new double[12];
            Assert.Equal(SolveStatus.Converged, new CholeskySolver().Solve(Dense(a), damping, g, reference).Status);
            // K-FAC inverts only its own Kronecker factors, not a general F (KfacTests).
            foreach (SolverKind kind in Enum.GetValues<SolverKind>().Where(k => k != SolverKind.Kfac))
            {
                IFisherSolver solver = FisherSolvers.Create(kind, maxIterations: 200, tolerance: 1e-13);
                Assert.Equal(kind, solver.Kind);
                foreach (ILinearOperator op in new ILinearOperator[] { Dense(a), new ConjugateGradientTests.MatrixOperator(a) })
                {
                    var x = new double[12];
                    SolveResult r = solver.Solve(op, damping, g, x);
                    Assert.Equal(SolveStatus.Converged, r.Status);
                    Assert.True(TestUtil.RelativeError(x, reference) < 1e-9, $"{kind} on {op.GetType().Name}: {TestUtil.RelativeError(x, reference)}");
                    Assert.True(r.Residual < 1e-9 * TestUtil.Norm(g));
                }
            }
        }
    }

    [Fact]
    public void Dense_solvers_report_indefinite_or_non_finite_matrices_without_throwing_or_nans()
    {
        DenseFisher indefinite = Dense(Matrix<double>.Build.DenseOfDiagonalArray([1.0, -2.0, 3.0]));
        foreach (IFisherSolver solver in new IFisherSolver[] { new CholeskySolver(), new PseudoInverseSolver() })
        {
            double[] x = [7, 7, 7];
            SolveResult r = solver.Solve(indefinite, 0, [1.0, 1.0, 1.0], x);
            Assert.Equal(SolveStatus.NotPositiveDefinite, r.Status);
            Assert.Equal(new double[3], x);

            SolveResult nan = solver.Solve(Dense(Matrix<double>.Build.DenseOfDiagonalArray([1.0, double.NaN])), 0, [1.0, 1.0], x.AsSpan(0, 2));
            Assert.Equal(SolveStatus.NonFinite, nan.Status);
            Assert.Equal(0.0, x[0]);
        }
        // Damping can make it definite again.
        var y = new double[3];
        Assert.Equal(SolveStatus.Converged, new CholeskySolver().Solve(indefinite, 2.5, [1.0, 1.0, 1.0], y).Status);
        Assert.Equal(1 / 3.5, y[0], 14);
        Assert.Equal(1 / 0.5, y[1], 14);
    }

    [Fact]
    public void Pseudo_inverse_gives_the_minimum_norm_solution_for_the_singular_softmax_fisher()
    {
        ParametricPolicy policy = PolicyFactory.Create(new PolicyConfig(), 0, new DiscreteSpace(4), new Rng(1));
        policy.SetParameters([0.2, -0.5, 1.0, 0.0]);
        ILinearOperator f = new ExactFisherEstimator().Build(policy, Array.Empty<double>(), Array.Empty<double>(), 1);
        // A right-hand side in the range of F (orthogonal to the all-ones null direction).
        double[] g = [0.3, -0.1, -0.4, 0.2];
        var x = new double[4];
        SolveResult r = new PseudoInverseSolver().Solve(f, 0, g, x);
        Assert.Equal(SolveStatus.Converged, r.Status);
        Assert.True(r.Residual < 1e-12, $"residual {r.Residual}");
        Assert.Equal(0.0, x.Sum(), 12); // minimum norm: no component along the null direction
        var fx = new double[4];
        f.Apply(x, fx);
        Assert.True(TestUtil.RelativeError(fx, g) < 1e-12);
        // With a tiny damping Cholesky reaches the same direction (g is orthogonal to the null space).
        var y = new double[4];
        SolveResult damped = new CholeskySolver().Solve(f, 1e-10, g, y);
        Assert.Equal(SolveStatus.Converged, damped.Status);
        Assert.True(TestUtil.RelativeError(y, x) < 1e-6);
    }

    [Fact]
    public void Solver_kinds_parse()
    {
        Assert.Equal(SolverKind.ConjugateGradient, FisherSolvers.Parse("cg"));
        Assert.Equal(SolverKind.PseudoInverse, FisherSolvers.Parse("pinv"));
        Assert.Null(FisherSolvers.Parse("PINV"));
        Assert.Null(FisherSolvers.Parse("pseudo-inverse"));
        Assert.Equal(SolverKind.Cholesky, FisherSolvers.Parse("cholesky"));
        Assert.Null(FisherSolvers.Parse("lu"));
    }

    [Fact]
    public void Cg_solver_with_the_matrix_free_fisher_matches_the_dense_cholesky_solve()
    {
        var rng = new Rng(55);
        ParametricPolicy policy = TestUtil.RandomPolicy("mlp", "gaussian", 5);
        const int states = 20;
        double[] obs = TestUtil.Gaussian(rng, states * TestUtil.ObsDim), g = TestUtil.Gaussian(rng, policy.ParameterCount);
        const double damping = 0.05;
        var xDense = new double[g.Length];
        var xCg = new double[g.Length];
        new CholeskySolver().Solve(new ExactFisherEstimator().Build(policy, obs, Array.Empty<double>(), states), damping, g, xDense);
        SolveResult r = new ConjugateGradientSolver(500, 1e-12).Solve(new MatrixFreeFisherEstimator().Build(policy, obs, Array.Empty<double>(), states), damping, g, xCg);
        Assert.Equal(SolveStatus.Converged, r.Status);
        Assert.True(TestUtil.RelativeError(xCg, xDense) < 1e-8, $"{TestUtil.RelativeError(xCg, xDense)}");
    }
}
