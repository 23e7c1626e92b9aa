using NatPolicy.Experiments.Reproductions;

namespace NatPolicy.Experiments.Tests;

public sealed class InvarianceLockstepTests
{
    [Fact]
    [Trait("Category", "Math")]
    public void UndampedNaturalStepIsTheSamePolicyUnderADenseAWhileVanillaAndTheDiagonalControlAreNot()
    {
        var config = new LockstepConfig(Seeds: 2, Iterations: 3);
        var diagonal = Reparameterisation.Diagonal(config.Scale, 4);
        var dense = Reparameterisation.Dense(config.Condition, 4, config.MatrixSeed);
        var cells = InvarianceLockstep.Run(config, [LockstepRule.Natural(0), LockstepRule.Vanilla, LockstepRule.DiagonalFisher], [diagonal, dense]);
        LockstepCell Cell(string rule, Reparameterisation a) => cells.Single(c => c.Rule.Name == rule && c.A == a);

        // The updates really move π, so small gaps are not trivial.
        Assert.True(Cell("npg λ=0", dense).MedianMove > 0.05, $"npg moved π by {Cell("npg λ=0", dense).MedianMove}");
        Assert.True(Cell("npg λ=0", dense).MaxGap <= 1e-8, $"npg gap under dense A: {Cell("npg λ=0", dense).MaxGap}");
        Assert.True(Cell("npg λ=0", diagonal).MaxGap <= 1e-8, $"npg gap under diagonal A: {Cell("npg λ=0", diagonal).MaxGap}");
        Assert.True(Cell("vanilla", dense).MedianGap >= 0.1, $"vanilla gap under dense A: {Cell("vanilla", dense).MedianGap}");
        // The diagonal preconditioner passes the diagonal A and fails the dense one.
        Assert.True(Cell("diag-Fisher", diagonal).MaxGap <= 1e-8, $"diag-Fisher gap under diagonal A: {Cell("diag-Fisher", diagonal).MaxGap}");
        Assert.True(Cell("diag-Fisher", dense).MedianGap >= 0.05, $"diag-Fisher gap under dense A: {Cell("diag-Fisher", dense).MedianGap}");
    }

    [Fact]
    [Trait("Category", "Math")]
    public void DenseMatrixHasTheAskedConditionAndItsInverse()
    {
        var a = Reparameterisation.Dense(100, 4, 7);
        var inv = a.Inverse();
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
            {
                double s = 0;
                for (int k = 0; k < 4; k++) s += a.Matrix[i * 4 + k] * inv[k * 4 + j];
                Assert.Equal(i == j ? 1 : 0, s, 1e-10);
            }
        Assert.All(a.Matrix, x => Assert.NotEqual(0, x));
        // Columns of Q·diag(d) have norms d: 1 … 1/κ.
        double Norm(int j) => Math.Sqrt(Enumerable.Range(0, 4).Sum(i => a.Matrix[i * 4 + j] * a.Matrix[i * 4 + j]));
        Assert.Equal(1, Norm(0), 1e-12);
        Assert.Equal(0.01, Norm(3), 1e-12);
    }
}
