using NatPolicy.Agents.Training;
using NatPolicy.Core;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Tests;

/// <summary>The <see cref="Agent"/> facade: create, learn, predict, evaluate, save and load on a registered user env.</summary>
public sealed class AgentTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-agent-").FullName;

    public AgentTests() => TestEnvs.EnsureRegistered();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    [Trait("Category", "Learning")]
    public void Learning_beats_the_untrained_policy_and_continues_across_calls()
    {
        var agent = Agent.Create(TestEnvs.PointMass, "npg", seed: 2);
        double untrained = agent.Evaluate(episodes: 20, deterministic: false).Mean;
        var seen = new List<int>();
        var first = agent.Learn(4_000, onIteration: row => seen.Add(row.Iteration));
        Assert.Equal([1, 2], seen);
        Assert.Equal(first.Select(r => r.Iteration), seen);
        Assert.Equal(4_000, agent.EnvSteps);
        var second = agent.Learn(4_000);
        Assert.Equal([3, 4], second.Select(r => r.Iteration));
        Assert.Equal(8_000, agent.EnvSteps);
        double learned = agent.Evaluate(episodes: 20).Mean;
        Assert.True(learned > untrained + 1, $"learned {learned}, untrained {untrained}");
    }

    [Fact]
    [Trait("Category", "Env")]
    public void A_loaded_policy_predicts_and_evaluates_bit_identically_to_the_saved_one()
    {
        var agent = Agent.Create(TestEnvs.PointMass, "trpo", seed: 5, c => c with { Policy = new RffPolicyConfig { InitLogStd = c.Policy.InitLogStd }, StepsPerIteration = 500 });
        agent.Learn(1_000);
        string path = Path.Combine(_root, "policy.json");
        agent.Save(path);
        var loaded = Agent.Load(path);
        Assert.Equal(TestEnvs.PointMass, loaded.EnvId);
        Assert.Null(loaded.Config);
        Assert.NotNull(loaded.ObservationNormalizer);

        Span<double> a = stackalloc double[1], b = stackalloc double[1];
        var rngA = new Rng(9);
        var rngB = new Rng(9);
        foreach (double x in new[] { -3.0, -0.7, 0.0, 0.31, 2.5 })
        {
            agent.Predict([x], a);
            loaded.Predict([x], b);
            Assert.Equal(BitConverter.DoubleToInt64Bits(a[0]), BitConverter.DoubleToInt64Bits(b[0]));
            agent.Predict([x], a, rngA);
            loaded.Predict([x], b, rngB);
            Assert.Equal(BitConverter.DoubleToInt64Bits(a[0]), BitConverter.DoubleToInt64Bits(b[0]));
        }
        Assert.Equal(agent.Evaluate(5, seed: 3, deterministic: false).Episodes, loaded.Evaluate(5, seed: 3, deterministic: false).Episodes);

        // The loaded agent saves the same file, and it does what evaluate does with that file.
        string again = Path.Combine(_root, "again.json");
        loaded.Save(again);
        Assert.Equal(File.ReadAllText(path), File.ReadAllText(again));
        var (policy, normalizer) = PolicyFile.Load(path).Build();
        var direct = Evaluation.Run(NatPolicy.Envs.EnvRegistry.Make(TestEnvs.PointMass), policy, normalizer, 5, 3, deterministic: true);
        Assert.Equal(direct.Episodes, loaded.Evaluate(5, seed: 3).Episodes);
    }

    [Fact]
    [Trait("Category", "Env")]
    public void Predict_into_a_span_allocates_nothing()
    {
        var agent = Agent.Create(TestEnvs.PointMass, "npg", seed: 1);
        double[] obs = [0.4];
        double[] action = new double[1];
        var rng = new Rng(1);
        agent.Predict(obs, action);
        agent.Predict(obs, action, rng);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            agent.Predict(obs, action);
            agent.Predict(obs, action, rng);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    [Trait("Category", "Env")]
    public void Bad_input_is_refused_with_one_line()
    {
        var unknown = Assert.Throws<ArgumentException>(() => Agent.Create("Nope-v0", "npg"));
        Assert.Contains("Nope-v0", unknown.Message);
        Assert.Contains(TestEnvs.PointMass, unknown.Message);
        Assert.Contains("algo 'sgd'", Assert.Throws<ConfigException>(() => Agent.Create(TestEnvs.PointMass, "sgd")).Message);
        Assert.Throws<ConfigException>(() => Agent.Create(TestEnvs.PointMass, "npg", configure: c => c with { Gamma = 2 }));

        var agent = Agent.Create(TestEnvs.PointMass, "vpg", seed: 3, c => c with { Policy = new MlpPolicyConfig { HiddenSizes = [8], InitLogStd = c.Policy.InitLogStd } });
        Assert.Equal(("mlp", 3UL), (agent.Config!.Policy.Kind, agent.Config.Seed));
        Assert.Contains("length 2", Assert.Throws<ArgumentException>(() => agent.Predict([1.0, 2.0])).Message);

        string path = Path.Combine(_root, "p.json");
        agent.Save(path);
        Assert.Throws<InvalidOperationException>(() => Agent.Load(path).Learn(1_000));
        Assert.Contains("does not exist", Assert.Throws<FormatException>(() => Agent.Load(Path.Combine(_root, "none.json"))).Message);

        string folder = Path.Combine(_root, "run");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, RunFolder.ConfigFile), "{}");
        Assert.Throws<RunException>(() => Agent.Create(TestEnvs.PointMass, "npg").Learn(1_000, runFolder: folder));
        Assert.Equal("{}", File.ReadAllText(Path.Combine(folder, RunFolder.ConfigFile)));
    }
}
