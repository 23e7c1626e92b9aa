using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Solvers;
using NatPolicy.Agents.Training;
using NatPolicy.Envs;
using NatPolicy.Experiments.Configuration;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Tests.Configuration;

/// <summary>The typed config: defaults, JSON (version 2 and the version-1 migration), overlays, overrides and validation.</summary>
[Trait("Category", "Math")]
public sealed class ConfigResolverTests
{
    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Configuration", name));

    private static string Refused(string? env, string? algo, string? json, params (string, string)[] sets)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigResolver.Resolve(env, algo, json, "f.json", sets));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    public static TheoryData<string, string> EnvAlgos()
    {
        var d = new TheoryData<string, string>();
        foreach (var env in EnvRegistry.Ids)
            foreach (var algo in TrainConfig.Algos) d.Add(env, algo);
        return d;
    }

    [Theory]
    [MemberData(nameof(EnvAlgos))]
    public void DefaultsAreValidAndRoundTripThroughJson(string env, string algo)
    {
        var c = TrainDefaults.For(env, algo);
        Assert.Empty(c.Problems(TrainDefaults.IsBox(env)));
        Assert.Equal(algo, c.AlgoName);
        string json = c.ToJson();
        Assert.StartsWith("{\n  \"format_version\": 2,", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(json, ConfigResolver.Load(json, "t").ToJson());
        Assert.Equal(json, ConfigResolver.Resolve(env, algo, null, null, []).ToJson());
        Assert.Equal(TrainDefaults.IsBox(env), c.Policy.InitLogStd is not null);
    }

    [Fact]
    public void EveryKindRoundTrips()
    {
        foreach (var policy in PolicySpec.Kinds)
            foreach (var baseline in BaselineSpec.Kinds)
            {
                var c = TrainDefaults.For("Pendulum-v1", "npg") with
                {
                    Policy = TrainDefaults.Policy(policy, -1.25),
                    Baseline = BaselineSpec.Default(baseline),
                    Seed = 7,
                };
                var back = ConfigResolver.Load(c.ToJson(), "t");
                Assert.Equal(c.ToJson(), back.ToJson());
                Assert.Equal((policy, baseline, -1.25), (back.Policy.Kind, back.Baseline.Kind, back.Policy.InitLogStd));
            }
    }

    [Fact]
    public void PerEnvDefaultsKeepTheirValues()
    {
        var p = TrainDefaults.For("Pendulum-v1", "trpo");
        var rff = Assert.IsType<RffPolicyConfig>(p.Policy);
        Assert.Equal((100, -0.5, 0.9, 0.95, 2000, 100_000L), (rff.Features, rff.InitLogStd!.Value, p.Gamma, p.GaeLambda, p.StepsPerIteration, p.TotalSteps));
        Assert.Equal(0.03, Assert.IsType<TrpoConfig>(p.Algo).MaxKl);
        Assert.False(p.NormalizeObservations);
        var critic = Assert.IsType<MlpBaselineConfig>(p.Baseline);
        Assert.Equal([64, 64], critic.HiddenSizes);
        Assert.Equal(10, critic.Epochs);
        var vpg = TrainDefaults.For("CartPole-v1", "vpg");
        Assert.Equal((100_000L, 1000, 0.02), (vpg.TotalSteps, vpg.StepsPerIteration, Assert.IsType<VpgConfig>(vpg.Algo).LearningRate));
        var npg = Assert.IsType<NpgConfig>(TrainDefaults.For("CartPole-v1", "npg").Algo);
        Assert.Equal((FisherKind.Exact, SolverKind.Cholesky, 0.01, true), (npg.Fisher, npg.Solver, npg.MaxKl, npg.NoiseShrinkage));
        Assert.True(Assert.IsType<TrpoConfig>(TrainDefaults.For("CartPole-v1", "trpo").Algo).NoiseShrinkage);
        Assert.Equal(0.03, Assert.IsType<NpgConfig>(TrainDefaults.For("Acrobot-v1", "npg").Algo).MaxKl);
        Assert.False(Assert.IsType<NpgConfig>(TrainDefaults.For("Acrobot-v1", "npg").Algo).NoiseShrinkage);
        Assert.Equal([32, 32], Assert.IsType<MlpBaselineConfig>(TrainDefaults.For("CartPole-v1", "npg").Baseline).HiddenSizes);
    }

    [Fact]
    public void VersionOneFilesAreMigrated()
    {
        // Written by the flat format for a trpo run: its ignored fisher/solver and the linear policy's fields are dropped.
        // The files hold the version-1 defaults of their day; options added since (noise shrinkage, the normaliser
        // freeze) are off, so a resumed version-1 run continues exactly as it began.
        var pend = ConfigResolver.Load(Sample("v1-pendulum-trpo.json"), "v1.json");
        var pendV1 = new TrainConfig
        {
            EnvId = "Pendulum-v1", Seed = 3, TotalSteps = 8000, StepsPerIteration = 4000, Gamma = 0.95, GaeLambda = 0.95,
            Policy = new RffPolicyConfig { Features = 100, InitLogStd = -0.5 }, Baseline = new RffBaselineConfig(),
            Algo = new TrpoConfig { MaxKl = 0.02 },
        };
        Assert.Equal(pendV1.ToJson(), pend.ToJson());
        var cart = ConfigResolver.Load(Sample("v1-cartpole-npg.json"), "v1.json");
        var cartV1 = new TrainConfig { EnvId = "CartPole-v1", Seed = 3, TotalSteps = 20000, Algo = new NpgConfig(), Baseline = new MlpBaselineConfig() };
        Assert.Equal(cartV1.ToJson(), cart.ToJson());
        Assert.False(Assert.IsType<NpgConfig>(cart.Algo).NoiseShrinkage);
        Assert.Null(cart.Policy.InitLogStd);

        var flat = ConfigResolver.Resolve("CartPole-v1", "npg", """{"baseline": "linear", "baseline_ridge": 0.5, "max_kl": 0.03, "hidden_sizes": [8]}""", "f.json", []);
        Assert.Equal(0.5, Assert.IsType<PolynomialBaselineConfig>(flat.Baseline).Ridge);
        Assert.Equal(0.03, Assert.IsType<NpgConfig>(flat.Algo).MaxKl);
        Assert.IsType<LinearPolicyConfig>(flat.Policy);
        Assert.Contains("format_version", Refused("CartPole-v1", "npg", """{"algo": {"name": "npg"}}"""), StringComparison.Ordinal);
    }

    [Fact]
    public void ResumingAVersionOneFolderContinuesBitForBit()
    {
        string v1 = Sample("v1-cartpole-npg.json").Replace("\"checkpoint_every\": 10", "\"checkpoint_every\": 3", StringComparison.Ordinal);
        var config = ConfigResolver.Load(v1, "v1.json");
        string root = Directory.CreateTempSubdirectory("natpolicy-v1-").FullName;
        try
        {
            string whole = Path.Combine(root, "whole"), cut = Path.Combine(root, "cut");
            TrainingRun.Open(whole, config, FolderMode.New).Run();
            using var cancel = new CancellationTokenSource();
            TrainingRun.Open(cut, config, FolderMode.New).Run(row => { if (row.Iteration == 5) cancel.Cancel(); }, cancel.Token);
            File.WriteAllText(Path.Combine(cut, RunFolder.ConfigFile), v1);
            TrainingRun.Open(cut, null, FolderMode.Resume).Run();
            static string[] Rows(string dir) => File.ReadAllLines(Path.Combine(dir, RunFolder.ProgressFile))
                .Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 16))).ToArray();
            Assert.Equal(Rows(whole), Rows(cut));
            Assert.Equal(File.ReadAllText(Path.Combine(whole, RunFolder.PolicyFile)), File.ReadAllText(Path.Combine(cut, RunFolder.PolicyFile)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void FilesOverlayKeyByKeyAndOverridesWin()
    {
        var c = ConfigResolver.Resolve("CartPole-v1", "npg", """{"format_version": 2, "seed": 3, "algo": {"max_kl": 0.05}}""", "f.json",
            [("algo.damping", "0.001"), ("baseline.hidden_sizes", "[64, 64]"), ("seed", "4"), ("seed", "5")]);
        var npg = Assert.IsType<NpgConfig>(c.Algo);
        Assert.Equal((0.05, 0.001, FisherKind.Exact), (npg.MaxKl, npg.Damping, npg.Fisher));
        Assert.Equal([64, 64], Assert.IsType<MlpBaselineConfig>(c.Baseline).HiddenSizes);
        Assert.Equal(5UL, c.Seed);
        Assert.Equal(TrainDefaults.For("CartPole-v1", "npg").StepsPerIteration, c.StepsPerIteration);
        // env and algo from the file when no flag gives them.
        var fromFile = ConfigResolver.Resolve(null, null, """{"format_version": 2, "env_id": "Acrobot-v1", "algo": {"name": "vpg", "optimizer": "sgd"}}""", "f.json", []);
        Assert.Equal(("Acrobot-v1", "sgd"), (fromFile.EnvId, Assert.IsType<VpgConfig>(fromFile.Algo).Optimizer));
    }

    [Fact]
    public void ChangingAKindRestartsThatObjectFromItsDefaults()
    {
        var c = ConfigResolver.Resolve("Pendulum-v1", "npg", null, null, [("policy.kind", "mlp"), ("baseline.kind", "polynomial"), ("algo.name", "trpo")]);
        var mlp = Assert.IsType<MlpPolicyConfig>(c.Policy);
        Assert.Equal([32, 32], mlp.HiddenSizes);
        Assert.Equal(-0.5, mlp.InitLogStd);
        Assert.IsType<PolynomialBaselineConfig>(c.Baseline);
        // --algo wins over algo.name in the overrides: the object restarts from npg's (Pendulum) defaults.
        Assert.Equal(TrainDefaults.For("Pendulum-v1", "npg").Algo, c.Algo);
        var trpo = ConfigResolver.Resolve("Pendulum-v1", null, null, null, [("algo.name", "trpo"), ("algo.max_kl", "0.05")]);
        Assert.Equal(TrainDefaults.For("Pendulum-v1", "trpo").Algo with { }, ((TrpoConfig)trpo.Algo) with { MaxKl = 0.03 });
        Assert.Equal(0.05, ((TrpoConfig)trpo.Algo).MaxKl);
    }

    [Fact]
    public void OverrideValuesParseAsJsonElseText()
    {
        Assert.Equal("[64,64]", ConfigResolver.ParseValue("[64, 64]")!.ToJsonString());
        Assert.Equal("0.001", ConfigResolver.ParseValue("1e-3")!.ToJsonString().Replace("1e-3", "0.001", StringComparison.Ordinal));
        Assert.Equal("\"mlp\"", ConfigResolver.ParseValue("mlp")!.ToJsonString());
        Assert.Equal("true", ConfigResolver.ParseValue("true")!.ToJsonString());
    }

    [Fact]
    public void TrpoHasNoFisherOrSolver()
    {
        string m = Refused("CartPole-v1", "trpo", """{"format_version": 2, "algo": {"fisher": "exact", "solver": "cholesky"}}""");
        Assert.Contains("'algo.fisher'", m, StringComparison.Ordinal);
        Assert.Contains("max_kl, damping, cg_iterations, cg_tolerance, backtrack_ratio, max_backtracks", m, StringComparison.Ordinal);
        Assert.Contains("'algo.solver'", Refused("CartPole-v1", "trpo", null, ("algo.solver", "cholesky")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"format_version": 3}""", "format_version 3 is not supported")]
    [InlineData("""{"format_version": 2, "algo": {"max_kl": 0.1, "max_kl": 0.2}}""", "'max_kl' is given twice")]
    [InlineData("""{"format_version": 2, "algo": {"max_kl": 1e400}}""", "algo.max_kl must be a finite number (got 1e400)")]
    [InlineData("""{"format_version": 2, "algo": {"max_kl": "Infinity"}}""", "algo.max_kl must be a number")]
    [InlineData("""{"format_version": 2, "algo": {"max_kl": 0}}""", "algo.max_kl must be a number in (0, 10]")]
    [InlineData("""{"format_version": 2, "gamma": null}""", "gamma must not be null")]
    [InlineData("""{"format_version": 2, "num_envs": "eight"}""", "num_envs must be an integer")]
    [InlineData("""{"format_version": 2, "num_envs": 2.5}""", "num_envs must be an integer")]
    [InlineData("""{"format_version": 2, "num_envs": 100000}""", "num_envs must be an integer in [1, 1024]")]
    [InlineData("""{"format_version": 2, "max_kll": 0.1}""", "unknown key 'max_kll'")]
    [InlineData("""{"format_version": 2, "algo": {"max_kll": 0.1}}""", "did you mean 'algo.max_kl'?")]
    [InlineData("""{"format_version": 2, "algo": {"fisher": "mf"}}""", "algo.fisher must be one of exact, empirical, matrix-free (got \"mf\")")]
    [InlineData("""{"format_version": 2, "algo": {"fisher": "matrix-free"}}""", "needs algo.solver 'cg'")]
    [InlineData("""{"format_version": 2, "policy": {"kind": "cnn"}}""", "policy.kind 'cnn' is unknown; allowed: linear, rff, mlp")]
    [InlineData("""{"format_version": 2, "policy": {"kind": "mlp", "hidden_sizes": [64, 0]}}""", "policy.hidden_sizes must be a list of 1 to 16 layer sizes")]
    [InlineData("""{"format_version": 2, "policy": {"init_log_std": 0}}""", "policy.init_log_std applies only to box-action envs")]
    [InlineData("""{"format_version": 2, "baseline": "mlp"}""", "baseline must be an object")]
    [InlineData("""{"max_kll": 0.1}""", "did you mean 'max_kl'?")]
    [InlineData("""{"baseline": "linear", "fisher": "mf"}""", "algo.fisher must be one of")]
    [InlineData("{ oops", "malformed JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    public void BadFilesAreRefusedWithOneLineNamingTheKey(string json, string mention) =>
        Assert.Contains(mention, Refused("CartPole-v1", "npg", json), StringComparison.Ordinal);

    [Fact]
    public void BadOverridesAreRefused()
    {
        Assert.Contains("--set: algo.damping must be a number (got \"NaN\")", Refused("CartPole-v1", "npg", null, ("algo.damping", "NaN")), StringComparison.Ordinal);
        Assert.Contains("did you mean 'algo.damping'?", Refused("CartPole-v1", "npg", null, ("algo.dampin", "1")), StringComparison.Ordinal);
        Assert.Contains("not a key path", Refused("CartPole-v1", "npg", null, ("algo..x", "1")), StringComparison.Ordinal);
        Assert.Contains("unknown key 'algo.max_kl' for algo vpg", Refused("CartPole-v1", "vpg", null, ("algo.max_kl", "0.1")), StringComparison.Ordinal);
        Assert.Contains("unknown env 'CartPole-v0'", Refused("CartPole-v0", "npg", null), StringComparison.Ordinal);
        Assert.Contains("unknown algo 'ppo'", Refused("CartPole-v1", "ppo", null), StringComparison.Ordinal);
        Assert.Contains("--env is required", Refused(null, "npg", null), StringComparison.Ordinal);
    }
}
