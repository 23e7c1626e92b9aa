using NatPolicy.Experiments.Reproductions;

namespace NatPolicy.Experiments.Tests;

[Trait("Category", "Math")]
public sealed class EmpiricalFisherTests
{
    [Fact]
    public void ExactStepConvergesWhereEmpiricalStepDoesNot()
    {
        var r = EmpiricalFisherExperiment.Run();
        Assert.NotEmpty(r.Runs);
        foreach (var run in r.Runs)
        {
            double rate = Math.Abs(1 - run.StepSize);
            Assert.Equal(Math.Abs(run.Theta0) * Math.Pow(rate, r.Config.Steps), Math.Abs(run.Exact[^1]), 1e-12);
            Assert.True(Math.Abs(run.Exact[^1]) < 0.05 * Math.Abs(run.Theta0), $"exact α={run.StepSize} θ0={run.Theta0}: {run.Exact[^1]}");
            // Empirical: never two consecutive iterates both below √(α/2), so the tail never approaches 0.
            double floor = EmpiricalFisher.EmpiricalFloor(run.StepSize);
            for (int k = 1; k < run.Empirical.Length; k++)
                Assert.True(Math.Max(Math.Abs(run.Empirical[k - 1]), Math.Abs(run.Empirical[k])) >= floor, $"α={run.StepSize} θ0={run.Theta0} k={k}");
            Assert.True(EmpiricalFisherRun.TailMax(run.Empirical, 10) >= floor);
        }
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(1.0)]
    [InlineData(1.95)]
    public void ExactStepConvergesForEveryStepSizeBelowTwo(double alpha)
    {
        var t = EmpiricalFisher.Iterate(2.0, alpha, 2000, empirical: false);
        Assert.True(Math.Abs(t[^1]) < 1e-20);
        var e = EmpiricalFisher.Iterate(2.0, alpha, 2000, empirical: true);
        Assert.True(Math.Abs(e[^1]) + Math.Abs(e[^2]) > EmpiricalFisher.EmpiricalFloor(alpha));
    }
}
