using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Training;
using NatPolicy.Experiments.Reproductions;

namespace NatPolicy.Experiments.Tests;

public sealed class EmpiricalFisherCartPoleTests
{
    [Fact]
    [Trait("Category", "Learning")]
    public void BothEstimatorsShareTheFirstBatchAndThenDiverge()
    {
        var r = EmpiricalFisherCartPoleExperiment.Run(new EmpiricalFisherCartPoleConfig(Seeds: 2, TotalSteps: 10_000));
        Assert.Equal(("exact", "empirical"), (r.Exact.Fisher, r.Empirical.Fisher));
        for (int seed = 0; seed < 2; seed++)
        {
            var e = r.Exact.Seeds[seed];
            var m = r.Empirical.Seeds[seed];
            Assert.Equal(5, e.Returns.Length);
            Assert.Equal(e.EnvSteps, m.EnvSteps);
            // Same seed, same initial policy: the first batch is the same; the Fisher estimate then changes the update.
            Assert.Equal(e.Returns[0], m.Returns[0]);
            Assert.NotEqual(e.Returns[1..], m.Returns[1..]);
        }
        Assert.NotEqual(r.Exact.Seeds[0].Returns, r.Exact.Seeds[1].Returns);
    }

    [Fact]
    [Trait("Category", "Math")]
    public void ConfigsDifferOnlyInTheFisher()
    {
        var c = new EmpiricalFisherCartPoleConfig();
        var exact = c.Training("exact", 4);
        Assert.Equal((exact with { Algo = (NpgConfig)exact.Algo with { Fisher = FisherKind.Empirical } }).ToJson(), c.Training("empirical", 4).ToJson());
        var defaults = TrainDefaults.For("CartPole-v1", "npg");
        Assert.Equal((defaults with { Seed = 4, Algo = (NpgConfig)defaults.Algo with { NoiseShrinkage = false } }).ToJson(), exact.ToJson());
    }
}
