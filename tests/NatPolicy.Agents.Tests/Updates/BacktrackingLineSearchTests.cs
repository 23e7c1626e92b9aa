using NatPolicy.Agents.Updates;

namespace NatPolicy.Agents.Tests.Updates;

/// <summary>Line search against stub objectives (as garage tests its optimizer): 1-d θ, full step +1.</summary>
[Trait("Category", "Math")]
public sealed class BacktrackingLineSearchTests
{
    private sealed class Stub(Func<double, double> improvement, Func<double, double> kl) : ITrustRegionObjective
    {
        public int Calls { get; private set; }
        public double SurrogateImprovement(ReadOnlySpan<double> theta) { Calls++; return improvement(theta[0]); }
        public double MeanKl(ReadOnlySpan<double> theta) => kl(theta[0]);
    }

    [Fact]
    public void AcceptsTheFullStepWhenItIsGood()
    {
        var search = new BacktrackingLineSearch(0.5, 10);
        var theta = new double[1];
        var o = search.Search(new Stub(t => t, t => 0.5 * t * t * 0.01), [0.0], [1.0], 0.01, theta);
        Assert.True(o.Accepted);
        Assert.Equal(0, o.Backtracks);
        Assert.Equal(1.0, theta[0]);
    }

    [Fact]
    public void BacktracksUntilTheKlConstraintHolds()
    {
        // KL = t²: with δ = 0.1 the first acceptable fraction of 0.5^k is 0.25 (0.0625 ≤ 0.1 < 0.25).
        var search = new BacktrackingLineSearch(0.5, 10);
        var theta = new double[1];
        var o = search.Search(new Stub(t => t, t => t * t), [0.0], [1.0], 0.1, theta);
        Assert.True(o.Accepted);
        Assert.Equal(2, o.Backtracks);
        Assert.Equal(0.25, theta[0]);
    }

    [Fact]
    public void BacktracksUntilTheSurrogateImproves()
    {
        // Improvement t(0.3 − t) > 0 only for t < 0.3: with ratio 0.8, 0.8^6 = 0.262 is the first.
        var search = new BacktrackingLineSearch(0.8, 10);
        var theta = new double[1];
        var o = search.Search(new Stub(t => t * (0.3 - t), _ => 0), [0.0], [1.0], 1.0, theta);
        Assert.True(o.Accepted);
        Assert.Equal(6, o.Backtracks);
        Assert.Equal(Math.Pow(0.8, 6), theta[0], 12);
    }

    [Fact]
    public void RejectsWhenNoCandidateIsAcceptableAndTriesExactlyKPlusOne()
    {
        var search = new BacktrackingLineSearch(0.5, 4);
        var stub = new Stub(_ => -1, _ => 0);
        var o = search.Search(stub, [0.0], [1.0], 0.01, new double[1]);
        Assert.False(o.Accepted);
        Assert.Equal(5, stub.Calls);
    }

    [Fact]
    public void NaNImprovementIsNeverAccepted()
    {
        var search = new BacktrackingLineSearch(0.5, 3);
        var o = search.Search(new Stub(_ => double.NaN, _ => 0), [0.0], [1.0], 0.01, new double[1]);
        Assert.False(o.Accepted);
    }
}
