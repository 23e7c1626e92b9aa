using NatPolicy.Core;

namespace NatPolicy.Core.Tests;

[Trait("Category", "Math")]
public sealed class AdvantagesTests
{
    [Fact]
    public void RewardToGoWithoutBaselineIsTheDiscountedSumUpToTermination()
    {
        // One env, episode of 3 steps that terminates, then 2 steps of a new episode cut by the batch end.
        double[] r = [1, 1, 1, 1, 1];
        double[] v = new double[5];
        double[] next = [0, 0, 0, 0, 10]; // last step bootstraps from V(s_T) = 10
        bool[] term = [false, false, true, false, false];
        bool[] trunc = new bool[5];
        var adv = new double[5];
        var ret = new double[5];
        Advantages.Gae(r, v, next, term, trunc, envs: 1, gamma: 0.5, lambda: 1.0, adv, ret);
        // By hand: 1 + .5 + .25 = 1.75; 1 + .5 = 1.5; 1; then 1 + .5*(1 + .5*10) = 4; 1 + .5*10 = 6.
        Assert.Equal([1.75, 1.5, 1.0, 4.0, 6.0], ret);
        Assert.Equal(ret, adv);
    }

    [Fact]
    public void TruncationBootstrapsFromTheFinalObservationAndStopsTheRecursion()
    {
        double[] r = [1, 1, 1];
        double[] v = [2, 2, 2];
        double[] next = [2, 7, 2]; // step 1 was truncated: V(final obs) = 7
        bool[] term = new bool[3];
        bool[] trunc = [false, true, false];
        var adv = new double[3];
        var ret = new double[3];
        Advantages.Gae(r, v, next, term, trunc, envs: 1, gamma: 0.9, lambda: 0.8, adv, ret);
        double d2 = 1 + 0.9 * 2 - 2;         // 0.8
        double d1 = 1 + 0.9 * 7 - 2;         // 5.3, recursion stops here
        double d0 = 1 + 0.9 * 2 - 2;         // 0.8
        Assert.Equal(d2, adv[2], 12);
        Assert.Equal(d1, adv[1], 12);
        Assert.Equal(d0 + 0.9 * 0.8 * d1, adv[0], 12);
        Assert.Equal(adv[0] + 2, ret[0], 12);
    }

    [Fact]
    public void TerminationNeverBootstrapsEvenWhenAlsoTruncated()
    {
        double[] r = [1];
        double[] v = [0.5];
        double[] next = [100];
        var adv = new double[1];
        var ret = new double[1];
        Advantages.Gae(r, v, next, [true], [true], 1, 0.99, 0.95, adv, ret);
        Assert.Equal(0.5, adv[0], 12);
        Assert.Equal(1.0, ret[0], 12);
    }

    [Fact]
    public void EnvsAreIndependentInTimeMajorLayout()
    {
        // Two envs interleaved: env 0 gets rewards 1, env 1 gets rewards 10; lambda 1, gamma 1, no dones.
        double[] r = [1, 10, 1, 10];
        double[] zero = new double[4];
        var adv = new double[4];
        var ret = new double[4];
        Advantages.Gae(r, zero, zero, new bool[4], new bool[4], 2, 1.0, 1.0, adv, ret);
        Assert.Equal([2.0, 20.0, 1.0, 10.0], ret);
    }

    [Fact]
    public void NormalizeGivesZeroMeanUnitStd()
    {
        double[] x = [1, 2, 3, 4, 10];
        Advantages.Normalize(x);
        Assert.Equal(0, x.Average(), 12);
        Assert.Equal(1, Math.Sqrt(x.Select(a => a * a).Average()), 6);
    }
}
