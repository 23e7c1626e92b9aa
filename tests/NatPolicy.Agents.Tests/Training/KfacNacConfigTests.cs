using NatPolicy.Agents.Training;

namespace NatPolicy.Agents.Tests.Training;

[Trait("Category", "Config")]
public sealed class KfacNacConfigTests
{
    private static List<string> Problems(TrainConfig c) => c.Problems(boxActions: false).ToList();

    [Theory]
    [InlineData("bogus", 0.5, "algo.curvature 'bogus' is unknown; allowed: fisher, kfac")]
    [InlineData("kfac", 1.0, "algo.kfac_decay must be a number in [0, 1) (got 1)")]
    [InlineData("kfac", -0.1, "algo.kfac_decay must be a number in [0, 1) (got -0.1)")]
    [InlineData("kfac", double.NaN, "algo.kfac_decay must be a number in [0, 1) (got nan)")]
    public void Curvature_and_decay_are_checked_for_npg_and_trpo(string curvature, double decay, string message)
    {
        var npg = new TrainConfig { Policy = new MlpPolicyConfig(), Algo = new NpgConfig { Curvature = curvature, KfacDecay = decay } };
        var trpo = new TrainConfig { Policy = new MlpPolicyConfig(), Algo = new TrpoConfig { Curvature = curvature, KfacDecay = decay } };
        Assert.Equal([message], Problems(npg));
        Assert.Equal([message], Problems(trpo));
    }

    [Fact]
    public void Kfac_needs_an_mlp_or_linear_policy()
    {
        var ok = new TrainConfig { Policy = new MlpPolicyConfig(), Algo = new TrpoConfig { Curvature = "kfac" } };
        Assert.Empty(Problems(ok));
        var rff = ok with { Policy = new RffPolicyConfig() };
        Assert.Equal(["algo.curvature 'kfac' needs policy.kind 'mlp' or 'linear' (got 'rff')"], Problems(rff));
    }

    [Theory]
    [InlineData(0.0, 1e-4, "algo.max_kl must be a number in (0, 10] (got 0)")]
    [InlineData(double.PositiveInfinity, 1e-4, "algo.max_kl must be a number in (0, 10] (got inf)")]
    [InlineData(0.01, -1.0, "algo.damping must be a number in [0, 1e6] (got -1)")]
    [InlineData(0.01, double.NaN, "algo.damping must be a number in [0, 1e6] (got nan)")]
    public void Nac_settings_are_checked(double maxKl, double damping, string message)
    {
        var c = new TrainConfig { Algo = new NacConfig { MaxKl = maxKl, Damping = damping } };
        Assert.Equal([message], Problems(c));
        Assert.Empty(Problems(new TrainConfig { Algo = new NacConfig() }));
    }
}
