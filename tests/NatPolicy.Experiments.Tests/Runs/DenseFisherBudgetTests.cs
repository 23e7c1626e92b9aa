using NatPolicy.Agents.Training;
using NatPolicy.Experiments.Reproductions;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Tests.Runs;

public sealed class DenseFisherBudgetTests
{
    [Fact]
    [Trait("Category", "Env")]
    public void KfacNpgOnAWideMlpIsNotRefusedAsADenseFisherButExactNpgIs()
    {
        // reproduce kfac's npg arm: MLP 64×64 (P = 4610 > the dense-Fisher limit) with curvature kfac forms no P×P matrix.
        var kfac = new KfacCartPoleConfig().Arms()[0].Config(0);
        Assert.Equal("kfac", Assert.IsType<NpgConfig>(kfac.Algo).Curvature);
        Assert.NotNull(RunComponents.Build(kfac).Trainer);
        var dense = kfac with { Algo = (NpgConfig)kfac.Algo with { Curvature = "fisher" } };
        var refused = Assert.Throws<ConfigException>(() => RunComponents.Build(dense));
        Assert.Contains("dense P×P Fisher", refused.Message, StringComparison.Ordinal);
    }
}

public sealed class DampingScaleConfigTests
{
    [Fact]
    [Trait("Category", "Env")]
    public void DiagonalDampingIsAllowedForDenseNpgOnlyAndUnknownScalesAreNamed()
    {
        var npg = TrainDefaults.For("CartPole-v1", "npg");
        Assert.DoesNotContain("damping_scale", npg.ToJson(), StringComparison.Ordinal); // absent at its default: old folders keep their hash
        var ok = npg with { Algo = (NpgConfig)npg.Algo with { DampingScale = "fisher_diagonal" } };
        Assert.Empty(ok.Problems(boxActions: false));
        Assert.Contains("fisher_diagonal", ok.ToJson(), StringComparison.Ordinal);
        var trpo = TrainDefaults.For("CartPole-v1", "trpo");
        var badTrpo = trpo with { Algo = (TrpoConfig)trpo.Algo with { DampingScale = "fisher_diagonal" } };
        Assert.Contains(badTrpo.Problems(boxActions: false), p => p.Contains("algo.damping_scale 'fisher_diagonal' needs npg", StringComparison.Ordinal));
        var unknown = npg with { Algo = (NpgConfig)npg.Algo with { DampingScale = "diag" } };
        Assert.Contains(unknown.Problems(boxActions: false), p => p.Contains("algo.damping_scale 'diag' is unknown; allowed: identity, fisher_diagonal", StringComparison.Ordinal));
    }
}
