using NatPolicy.Experiments.Reproductions;

namespace NatPolicy.Experiments.Tests;

[Trait("Category", "Math")]
public sealed class DormandPrinceTests
{
    [Fact]
    public void IntegratesHarmonicOscillatorAccurately()
    {
        var solver = new DormandPrince((_, y, dy) => { dy[0] = y[1]; dy[1] = -y[0]; }, 2, new OdeOptions(1e-10, 1e-12));
        double[] y = [1, 0];
        solver.Integrate(0, y, 10);
        Assert.Equal(Math.Cos(10), y[0], 1e-8);
        Assert.Equal(-Math.Sin(10), y[1], 1e-8);
    }

    [Fact]
    public void StepGrowsOnSlowFlowsAndEventsAreLocated()
    {
        // dy/dt = 1/(1+t): y = log(1+t); reaches 20 at t = e^20 − 1 ≈ 4.85e8.
        var trace = Flow.Integrate((t, _, dy) => dy[0] = 1 / (1 + t), [0.0], new LogTimeGrid(1e-3, 1e10, 4), y => y[0] >= 20);
        Assert.True(trace.Steps < 5000, $"{trace.Steps} steps");
        Assert.Equal(Math.Log(1 + 1e10), trace.States[^1][0], 1e-6);
        Assert.Equal(1, trace.EventTime!.Value / (Math.Exp(20) - 1), 1e-6);
    }
}
