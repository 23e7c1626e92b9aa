using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Solvers;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Solvers;

/// <summary>The allocation-free Cholesky keeps MathNet's bits; CG reports xᵀ(A + λI)x from its own quantities.</summary>
[Trait("Category", "Math")]
public sealed class CholeskyAndCurvatureTests
{
    private static double[] RandomSpd(Rng rng, int p, int rank)
    {
        double[] s = TestUtil.Gaussian(rng, rank * p);
        var a = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
            {
                double sum = 0;
                for (int r = 0; r < rank; r++) sum += s[r * p + i] * s[r * p + j];
                a[i * p + j] = sum / rank;
            }
        return a;
    }

    [Theory]
    [InlineData(1, 1e-4)]
    [InlineData(7, 1e-4)]
    [InlineData(30, 0.1)]
    public void Cholesky_solve_has_the_bits_of_MathNet_and_reuses_its_factor(int p, double damping)
    {
        var rng = new Rng((ulong)p);
        var fisher = new DenseFisher(p, RandomSpd(rng, p, p + 3));
        var solver = new CholeskySolver();
        MathNet.Numerics.Control.UseSingleThread();
        Matrix<double> a = fisher.Matrix.Clone();
        for (int i = 0; i < p; i++) a[i, i] += damping;
        var cholesky = a.Cholesky();
        for (int k = 0; k < 3; k++) // later right-hand sides use the kept factor
        {
            double[] g = TestUtil.Gaussian(rng, p), x = new double[p];
            SolveResult result = solver.Solve(fisher, damping, g, x);
            Vector<double> expected = cholesky.Solve(Vector<double>.Build.DenseOfArray(g));
            Assert.Equal(SolveStatus.Converged, result.Status);
            Assert.Equal(((DenseVector)expected).Values, x);
            Vector<double> ax = a * expected;
            double residual = Math.Sqrt(g.Select((gi, i) => (gi - ax[i]) * (gi - ax[i])).Sum());
            Assert.Equal(residual, result.Residual);
        }
    }

    [Fact]
    public void Cholesky_refuses_an_indefinite_matrix_with_zero_x()
    {
        var fisher = new DenseFisher(2, [1, 2, 2, 1]);
        double[] x = [5, 5];
        Assert.Equal(SolveStatus.NotPositiveDefinite, new CholeskySolver().Solve(fisher, 0, [1, 1], x).Status);
        Assert.Equal(new double[2], x);
    }

    [Theory]
    [InlineData(3, 0.0)]
    [InlineData(12, 1e-3)]
    public void Cg_curvature_is_x_transpose_damped_a_x(int iterations, double damping)
    {
        var rng = new Rng(77);
        const int p = 20;
        var fisher = new DenseFisher(p, RandomSpd(rng, p, 25));
        double[] g = TestUtil.Gaussian(rng, p), x = new double[p], ax = new double[p];
        SolveResult result = new ConjugateGradient(iterations, 1e-14).Solve(fisher, damping, g, x);
        fisher.Apply(x, ax);
        double explicitCurvature = TestUtil.Dot(x, ax) + damping * TestUtil.Dot(x, x);
        Assert.True(Math.Abs(result.Curvature - explicitCurvature) <= 1e-10 * explicitCurvature,
            $"{result.Curvature} vs {explicitCurvature}");
        Assert.True(Math.Abs(TestUtil.Dot(g, x) - explicitCurvature) <= 1e-8 * explicitCurvature); // gᵀs = sᵀ(F + λI)s
    }
}
