using NatPolicy.Agents.Training;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Tests.Runs;

/// <summary>Same config and seed ⇒ same progress.csv (wall-clock aside), including across a resume.</summary>
[Trait("Category", "Env")]
public sealed class TrainingRunTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-run-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TrainConfig Small(string algo, ulong seed) =>
        TrainDefaults.For("CartPole-v1", algo) with { Seed = seed, TotalSteps = 16_000, StepsPerIteration = 1_000, CheckpointEvery = 3 };

    /// <summary>progress.csv without the wall_seconds column.</summary>
    private static string[] Rows(string dir)
    {
        var lines = File.ReadAllLines(Path.Combine(dir, RunFolder.ProgressFile));
        int wall = Array.IndexOf(lines[0].Split(','), "wall_seconds");
        return lines.Select(l => string.Join(',', l.Split(',').Where((_, k) => k != wall))).ToArray();
    }

    [Theory]
    [InlineData("vpg")]
    [InlineData("npg")]
    [InlineData("trpo")]
    public void SameSeedGivesTheSameLog(string algo)
    {
        string a = Path.Combine(_root, "a"), b = Path.Combine(_root, "b");
        TrainingRun.Open(a, Small(algo, 3), FolderMode.New).Run();
        TrainingRun.Open(b, Small(algo, 3), FolderMode.New).Run();
        Assert.Equal(Rows(a), Rows(b));
        Assert.Equal(File.ReadAllText(Path.Combine(a, RunFolder.PolicyFile)), File.ReadAllText(Path.Combine(b, RunFolder.PolicyFile)));
        Assert.Equal(17, Rows(a).Length); // header + 16 iterations
    }

    [Fact]
    public void DifferentSeedsDiffer()
    {
        string a = Path.Combine(_root, "a"), b = Path.Combine(_root, "b");
        TrainingRun.Open(a, Small("npg", 1), FolderMode.New).Run();
        TrainingRun.Open(b, Small("npg", 2), FolderMode.New).Run();
        Assert.NotEqual(Rows(a), Rows(b));
    }

    [Theory]
    [InlineData("vpg")]
    [InlineData("npg")]
    [InlineData("trpo")]
    public void ResumeAfterAnInterruptionGivesTheUninterruptedRows(string algo)
    {
        string full = Path.Combine(_root, "full"), cut = Path.Combine(_root, "cut");
        TrainingRun.Open(full, Small(algo, 5), FolderMode.New).Run();

        // Interrupted after iteration 7 (as a kill would): checkpoints 3 and 6 exist, row 7 is already logged.
        using (var cancel = new CancellationTokenSource())
        {
            var run = TrainingRun.Open(cut, Small(algo, 5), FolderMode.New);
            run.Run(row => { if (row.Iteration == 7) cancel.Cancel(); }, cancel.Token);
        }
        Assert.Equal(8, Rows(cut).Length);
        Assert.False(File.Exists(Path.Combine(cut, RunFolder.PolicyFile)));
        // A kill in the middle of writing row 8 leaves a torn last line: not a row, and the resume rewrites it.
        File.AppendAllText(Path.Combine(cut, RunFolder.ProgressFile), "8,8000,4,21.5");

        var resumed = TrainingRun.Open(cut, null, FolderMode.Resume);
        Assert.Equal(6, resumed.Trainer.Iteration);
        resumed.Run();
        Assert.Equal(Rows(full), Rows(cut));
    }

    [Fact]
    public void RefusesAFolderThatHoldsARunUnlessForced()
    {
        string dir = Path.Combine(_root, "r");
        TrainingRun.Open(dir, Small("npg", 1) with { TotalSteps = 2_000 }, FolderMode.New).Run();
        string before = File.ReadAllText(Path.Combine(dir, RunFolder.ProgressFile));
        var e = Assert.Throws<RunException>(() => TrainingRun.Open(dir, Small("npg", 2), FolderMode.New));
        Assert.Contains("--force", e.Message);
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir, RunFolder.ProgressFile)));
        TrainingRun.Open(dir, Small("npg", 2) with { TotalSteps = 2_000 }, FolderMode.Force).Run();
        Assert.NotEqual(before, File.ReadAllText(Path.Combine(dir, RunFolder.ProgressFile)));
    }

    [Fact]
    public void PolicyFileRebuildsThePolicyExactly()
    {
        string dir = Path.Combine(_root, "p");
        var run = TrainingRun.Open(dir, Small("npg", 4) with { TotalSteps = 4_000 }, FolderMode.New);
        run.Run();
        var (policy, normalizer) = PolicyFile.Load(Path.Combine(dir, RunFolder.PolicyFile)).Build();
        Assert.NotNull(normalizer);
        Assert.True(normalizer!.Frozen);
        var expected = new double[run.Trainer.Policy.ParameterCount];
        var actual = new double[policy.ParameterCount];
        run.Trainer.Policy.GetParameters(expected);
        policy.GetParameters(actual);
        Assert.Equal(expected, actual);
    }
}
