using MathNet.Numerics.LinearAlgebra;
using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Solvers;
using NatPolicy.Agents.Tests.Core;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Fisher;

[Trait("Category", "Math")]
public sealed class DiagonalDampingTests
{
    /// <summary>Returns a fixed operator, whatever the batch.</summary>
    private sealed class Fixed(ILinearOperator op) : IFisherEstimator
    {
        public FisherKind Kind => FisherKind.Exact;
        public ILinearOperator Build(IPolicy policy, ReadOnlyMemory<double> observations, ReadOnlyMemory<double> actions, int count) => op;
    }

    private static double[] Solve(Matrix<double> f, double damping, double[] g, bool diagonal)
    {
        IFisherEstimator estimator = new Fixed(new DenseFisher(f.RowCount, f.ToColumnMajorArray()));
        if (diagonal) estimator = new DiagonalDampingEstimator(estimator) { Damping = () => damping };
        var x = new double[g.Length];
        Assert.Equal(SolveStatus.Converged, new CholeskySolver().Solve(estimator.Build(null!, default, default, 0), damping, g, x).Status);
        return x;
    }

    [Fact]
    public void TheDampedStepDoesNotDependOnADiagonalRescalingOfTheParametersWhileLambdaIDoes()
    {
        // θ = S φ: the gradient in φ is S g and the Fisher S F S; the step in θ is S s_φ. With λ·diag(F) it is the same
        // step at every S; with λI it is not.
        var rng = new Rng(7);
        const int p = 6;
        const double damping = 0.1;
        Matrix<double> f = ConjugateGradientTests.RandomSpd(rng, p, 0.05);
        double[] g = TestUtil.Gaussian(rng, p);
        double[] scales = [1e-3, 1e-1, 1, 10, 1e2, 1e3];
        var s = Matrix<double>.Build.DenseOfDiagonalArray(scales);
        Matrix<double> fs = s * f * s;
        double[] gs = g.Select((v, i) => v * scales[i]).ToArray();
        foreach (bool diagonal in new[] { true, false })
        {
            double[] reference = Solve(f, damping, g, diagonal);
            double[] inTheta = Solve(fs, damping, gs, diagonal).Select((v, i) => v * scales[i]).ToArray();
            double error = TestUtil.RelativeError(inTheta, reference);
            if (diagonal) Assert.True(error < 1e-9, $"λ·diag(F): {error}");
            else Assert.True(error > 1e-2, $"λI: {error}");
        }
    }

    [Fact]
    public void TheOperatorIsFPlusLambdaTimesDiagonalMinusIdentityWithZeroEntriesTakenAsOne()
    {
        var f = Matrix<double>.Build.DenseOfArray(new double[,] { { 4, 1, 0 }, { 1, 9, 0 }, { 0, 0, 0 } });
        var op = new DiagonalDampingEstimator(new Fixed(new DenseFisher(3, f.ToColumnMajorArray()))) { Damping = () => 0.5 }
            .Build(null!, default, default, 0);
        var y = new double[3];
        op.Apply([1, 2, 3], y);
        // F x = (6, 19, 0); λ(D − I) x = 0.5·(3·1, 8·2, 0·3) with the zero entry taken as 1.
        Assert.Equal([6 + 1.5, 19 + 8, 0], y);
    }
}
