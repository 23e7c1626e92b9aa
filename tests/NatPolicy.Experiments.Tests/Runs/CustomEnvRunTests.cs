using NatPolicy.Agents.Training;
using NatPolicy.Envs;
using NatPolicy.Envs.Reference;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Tests.Runs;

/// <summary>A user's registered env trains into a run folder like a built-in one; without snapshots it has no checkpoints and refuses resume.</summary>
[Trait("Category", "Env")]
public sealed class CustomEnvRunTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-custom-").FullName;

    public CustomEnvRunTests() => TestEnvs.EnsureRegistered();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_user_env_without_snapshots_trains_evaluates_and_resumes_from_the_start()
    {
        string dir = Path.Combine(_root, "pm");
        var config = TrainDefaults.For(TestEnvs.PointMass, "npg") with { Seed = 1, TotalSteps = 4_000, StepsPerIteration = 1_000, CheckpointEvery = 1 };
        var rows = TrainingRun.Open(dir, config, FolderMode.New).Run();
        Assert.Equal(4, rows.Count);
        Assert.True(File.Exists(Path.Combine(dir, RunFolder.PolicyFile)));
        Assert.Equal(5, File.ReadAllLines(Path.Combine(dir, RunFolder.ProgressFile)).Length);
        Assert.False(Directory.Exists(Path.Combine(dir, RunFolder.CheckpointDir)));

        // No snapshots: resume starts again from iteration 0 and writes the same rows (wall_seconds aside).
        static string[] WithoutWall(string path) => File.ReadAllLines(path).Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 16))).ToArray();
        var before = WithoutWall(Path.Combine(dir, RunFolder.ProgressFile));
        var resumed = TrainingRun.Open(dir, null, FolderMode.Resume);
        Assert.Equal(0, resumed.Trainer.Iteration);
        resumed.Run();
        Assert.Equal(before, WithoutWall(Path.Combine(dir, RunFolder.ProgressFile)));

        var file = PolicyFile.Load(Path.Combine(dir, RunFolder.PolicyFile));
        Assert.Equal(TestEnvs.PointMass, file.EnvId);
        var (policy, normalizer) = file.Build();
        var result = Evaluation.Run(EnvRegistry.Make(TestEnvs.PointMass), policy, normalizer, 4, 7, deterministic: true);
        Assert.Equal([7UL, 8UL, 9UL, 10UL], result.Episodes.Select(x => x.Seed));
        Assert.All(result.Episodes, x => Assert.InRange(x.Length, 1, 50));
        // Recording needs state access, which PointMass does not give.
        Assert.Throws<ArgumentException>(() => Evaluation.RunRecorded(TestEnvs.PointMass, policy, normalizer, 1, 0, true));
    }

    [Fact]
    public void The_json_lists_every_episode_and_the_recording_replays_exactly()
    {
        string dir = Path.Combine(_root, "cp");
        var config = TrainDefaults.For("CartPole-v1", "npg") with { Seed = 2, TotalSteps = 2_000, StepsPerIteration = 1_000 };
        TrainingRun.Open(dir, config, FolderMode.New).Run();
        var (policy, normalizer) = PolicyFile.Load(Path.Combine(dir, RunFolder.PolicyFile)).Build();
        var (evaluation, recording) = Evaluation.RunRecorded("CartPole-v1", policy, normalizer, 3, 11, deterministic: false);
        var plain = Evaluation.Run(EnvRegistry.Make("CartPole-v1"), policy, normalizer, 3, 11, deterministic: false);
        Assert.Equal(plain.Episodes, evaluation.Episodes); // recording does not change what runs
        Assert.Equal(evaluation.Episodes.Select(x => x.Length), recording.Episodes.Select(x => x.Steps.Count));
        Assert.Equal(evaluation.Episodes.Select(x => (long)x.Seed), recording.Episodes.Select(x => x.Seed));

        string path = Path.Combine(_root, "rec.json");
        recording.Save(path);
        Assert.False(File.Exists(path + ".tmp"));
        var report = ReferenceReplayer.Replay(path);
        Assert.True(report.Exact);
        Assert.Equal(evaluation.Episodes.Sum(x => x.Length), report.Steps);

        using var json = System.Text.Json.JsonDocument.Parse(EvaluationFile.From("CartPole-v1", new EvaluationSettings(3, 11, false), evaluation).ToJson());
        var episodes = json.RootElement.GetProperty("per_episode").EnumerateArray().ToArray();
        Assert.Equal(3, episodes.Length);
        Assert.Equal(evaluation.Episodes[1].Return, episodes[1].GetProperty("return").GetDouble());
        Assert.Equal(evaluation.Episodes[1].Length, episodes[1].GetProperty("length").GetInt32());
        Assert.Equal(12UL, episodes[1].GetProperty("seed").GetUInt64());
        Assert.Equal(evaluation.Mean, json.RootElement.GetProperty("return_mean").GetDouble());
    }
}
