namespace NatPolicy.Cli.Tests;

/// <summary><see cref="Agent.Learn"/> into a run folder writes what <c>natpolicy train</c> writes for the same config.</summary>
[Trait("Category", "Env")]
public sealed class AgentRunFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-agent-run-").FullName;

    public AgentRunFolderTests() => TestEnvs.EnsureRegistered();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_run_folder_from_the_facade_equals_the_train_verbs_apart_from_wall_time_and_the_figure()
    {
        string viaVerb = Path.Combine(_root, "verb"), viaAgent = Path.Combine(_root, "agent");
        int code = Cli.Run(["train", "--env", TestEnvs.PointMass, "--algo", "npg", "--seed", "4", "--steps", "3000", "--batch", "1000",
            "--out", viaVerb, "--quiet"], TextWriter.Null, TextWriter.Null);
        Assert.Equal(0, code);

        var agent = Agent.Create(TestEnvs.PointMass, "npg", seed: 4, c => c with { StepsPerIteration = 1000 });
        int calls = 0;
        agent.Learn(3000, runFolder: viaAgent, onIteration: _ => calls++);
        Assert.Equal(3, calls);

        foreach (var file in new[] { "config.json", "policy.json" })
            Assert.Equal(File.ReadAllText(Path.Combine(viaVerb, file)), File.ReadAllText(Path.Combine(viaAgent, file)));
        Assert.Equal(WithoutWallTime(Path.Combine(viaVerb, "progress.csv")), WithoutWallTime(Path.Combine(viaAgent, "progress.csv")));

        // The agent acts with the folder's policy: it predicts as the policy.json it wrote.
        var loaded = Agent.Load(viaAgent);
        Assert.Equal(agent.Predict([0.7]), loaded.Predict([0.7]));
        Assert.Throws<InvalidOperationException>(() => agent.Learn(1000, runFolder: Path.Combine(_root, "again")));
    }

    private static string[] WithoutWallTime(string csv)
    {
        var lines = File.ReadAllLines(csv);
        int wall = Array.IndexOf(lines[0].Split(','), "wall_seconds");
        Assert.True(wall >= 0);
        return lines.Select(l => string.Join(',', l.Split(',').Where((_, i) => i != wall))).ToArray();
    }
}
