using MathNet.Numerics.LinearAlgebra;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Core;

[Trait("Category", "Math")]
public sealed class ConjugateGradientTests
{
    /// <summary>A dense symmetric operator for tests.</summary>
    internal sealed class MatrixOperator(Matrix<double> m) : ILinearOperator
    {
        public Matrix<double> M { get; } = m;
        public int Dimension => M.RowCount;

        public void Apply(ReadOnlySpan<double> x, Span<double> result)
        {
            for (int i = 0; i < Dimension; i++)
            {
                double s = 0;
                for (int j = 0; j < Dimension; j++) s += M[i, j] * x[j];
                result[i] = s;
            }
        }
    }

    internal static Matrix<double> RandomSpd(Rng rng, int n, double ridge)
    {
        var b = Matrix<double>.Build.Dense(n, n, (_, _) => rng.NextGaussian());
        return b * b.Transpose() / n + Matrix<double>.Build.DenseIdentity(n) * ridge;
    }

    [Theory]
    [InlineData(5, 0.0)]
    [InlineData(30, 0.0)]
    [InlineData(30, 0.25)]
    public void Cg_matches_cholesky_on_random_spd_systems(int n, double damping)
    {
        var rng = new Rng((ulong)(n * 7 + (damping > 0 ? 1 : 0)));
        for (int trial = 0; trial < 3; trial++)
        {
            Matrix<double> a = RandomSpd(rng, n, 0.1);
            double[] b = TestUtil.Gaussian(rng, n);
            var x = new double[n];
            SolveResult r = new ConjugateGradient(maxIterations: 10 * n, tolerance: 1e-13).Solve(new MatrixOperator(a), damping, b, x);
            Assert.Equal(SolveStatus.Converged, r.Status);
            Assert.True(r.Residual <= 1e-13 * TestUtil.Norm(b) * 1.0001, $"residual {r.Residual}");
            Assert.InRange(r.Iterations, 1, 10 * n);
            double[] reference = (a + Matrix<double>.Build.DenseIdentity(n) * damping).Cholesky().Solve(Vector<double>.Build.DenseOfArray(b)).ToArray();
            Assert.True(TestUtil.RelativeError(x, reference) < 1e-9, $"n={n}: CG vs Cholesky {TestUtil.RelativeError(x, reference)}");
        }
    }

    [Fact]
    public void Cg_reports_non_positive_curvature_on_an_indefinite_operator_without_nans()
    {
        var op = new MatrixOperator(Matrix<double>.Build.DenseOfDiagonalArray([1.0, -1.0, 2.0]));
        var x = new double[3];
        SolveResult r = new ConjugateGradient(20, 1e-12).Solve(op, 0, [0.0, 1.0, 0.0], x);
        Assert.Equal(SolveStatus.NonPositiveCurvature, r.Status);
        Assert.Equal(0, r.Iterations);
        Assert.Equal(new double[3], x);
        Assert.False(r.IsUsable);

        // Breakdown after a good first step: x is the last good iterate, finite and non-zero.
        var op2 = new MatrixOperator(Matrix<double>.Build.DenseOfDiagonalArray([4.0, -3.0]));
        SolveResult r2 = new ConjugateGradient(20, 1e-12).Solve(op2, 0, [1.0, 0.6], x.AsSpan(0, 2));
        Assert.Equal(SolveStatus.NonPositiveCurvature, r2.Status);
        Assert.Equal(1, r2.Iterations);
        Assert.True(double.IsFinite(x[0]) && double.IsFinite(x[1]) && x[0] != 0);
        Assert.True(double.IsFinite(r2.Residual));
    }

    private sealed class NanAfter(int good, int n) : ILinearOperator
    {
        private int _calls;
        public int Dimension => n;

        public void Apply(ReadOnlySpan<double> x, Span<double> result)
        {
            for (int i = 0; i < n; i++) result[i] = _calls < good ? (i + 1.0) * x[i] : double.NaN;
            _calls++;
        }
    }

    [Fact]
    public void Cg_reports_non_finite_values_and_keeps_x_finite()
    {
        var x = new double[4];
        SolveResult r = new ConjugateGradient(20, 1e-12).Solve(new NanAfter(1, 4), 0, [1.0, 1.0, 1.0, 1.0], x);
        Assert.Equal(SolveStatus.NonFinite, r.Status);
        Assert.Equal(1, r.Iterations);
        Assert.All(x, v => Assert.True(double.IsFinite(v)));
        Assert.Contains(x, v => v != 0);

        SolveResult r2 = new ConjugateGradient().Solve(new NanAfter(10, 2), 0, [double.NaN, 1.0], x.AsSpan(0, 2));
        Assert.Equal(SolveStatus.NonFinite, r2.Status);
        Assert.Equal(0.0, x[0]);
        Assert.Equal(0.0, x[1]);
    }

    [Fact]
    public void Cg_stops_at_max_iterations_with_a_finite_partial_solution_and_handles_zero_rhs()
    {
        var rng = new Rng(77);
        Matrix<double> a = RandomSpd(rng, 40, 1e-3);
        double[] b = TestUtil.Gaussian(rng, 40);
        var x = new double[40];
        SolveResult r = new ConjugateGradient(3, 1e-14).Solve(new MatrixOperator(a), 0, b, x);
        Assert.Equal(SolveStatus.MaxIterations, r.Status);
        Assert.Equal(3, r.Iterations);
        Assert.True(r.IsUsable);
        Assert.True(r.Residual < TestUtil.Norm(b));
        var ax = new double[40];
        new MatrixOperator(a).Apply(x, ax);
        for (int i = 0; i < 40; i++) ax[i] = b[i] - ax[i];
        Assert.Equal(TestUtil.Norm(ax), r.Residual, 1e-8);

        SolveResult zero = new ConjugateGradient().Solve(new MatrixOperator(a), 0, new double[40], x);
        Assert.Equal(new SolveResult(SolveStatus.Converged, 0, 0, 0), zero);
        Assert.All(x, v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Damped_operator_adds_lambda_times_x()
    {
        var op = new DampedOperator(new MatrixOperator(Matrix<double>.Build.DenseOfDiagonalArray([2.0, 3.0])), 0.5);
        var y = new double[2];
        op.Apply([1.0, -2.0], y);
        Assert.Equal([2.5, -7.0], y);
    }
}
