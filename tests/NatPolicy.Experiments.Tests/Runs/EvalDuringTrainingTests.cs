using NatPolicy.Agents.Training;
using NatPolicy.Envs;
using NatPolicy.Experiments.Curves;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Tests.Runs;

/// <summary>eval_every: eval.csv and best_policy.json, independent of training and stable across a resume.</summary>
[Trait("Category", "Env")]
public sealed class EvalDuringTrainingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-eval-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TrainConfig Small(int evalEvery) =>
        TrainDefaults.For("CartPole-v1", "npg") with { Seed = 4, TotalSteps = 8_000, StepsPerIteration = 1_000, CheckpointEvery = 3, EvalEvery = evalEvery, EvalEpisodes = 4 };

    private static string[] WithoutWall(string path)
    {
        var lines = File.ReadAllLines(path);
        int wall = Array.IndexOf(lines[0].Split(','), "wall_seconds");
        return lines.Select(l => string.Join(',', l.Split(',').Where((_, k) => k != wall))).ToArray();
    }

    [Fact]
    public void EvalCsvHasARowPerEvaluationAndBestPolicyReproducesTheBestRow()
    {
        string dir = Path.Combine(_root, "run");
        TrainingRun.Open(dir, Small(2), FolderMode.New).Run();
        var folder = new RunFolder(dir);
        var rows = EvalCsv.Read(folder.Eval);
        Assert.Equal([2, 4, 6, 8], rows.Select(r => r.Iteration));
        var best = EvalCsv.Best(rows)!;
        Assert.Equal(rows.Max(r => r.ReturnMean), best.ReturnMean);
        Assert.Equal(rows.First(r => r.ReturnMean == best.ReturnMean), best); // ties keep the earliest

        var (policy, normalizer) = PolicyFile.Load(folder.BestPolicy).Build();
        var again = Evaluation.Run(EnvRegistry.Make("CartPole-v1"), policy, normalizer, 4, EvalCsv.FirstSeed, deterministic: true);
        Assert.Equal(best.ReturnMean, again.Mean);
        Assert.Equal(EvalCsv.FirstSeed, again.Episodes[0].Seed);
    }

    [Fact]
    public void BestKeepsTheEarliestOfEqualMeans()
    {
        var entries = new[] { new EvalCsv.Entry(2, 10, "a"), new EvalCsv.Entry(4, 30, "b"), new EvalCsv.Entry(6, 30, "c"), new EvalCsv.Entry(8, 20, "d") };
        Assert.Equal(4, EvalCsv.Best(entries)!.Iteration);
        Assert.Null(EvalCsv.Best([]));
    }

    [Fact]
    public void EvaluatingDoesNotChangeTraining()
    {
        string with = Path.Combine(_root, "with"), without = Path.Combine(_root, "without");
        TrainingRun.Open(with, Small(1), FolderMode.New).Run();
        TrainingRun.Open(without, Small(0), FolderMode.New).Run();
        Assert.Equal(WithoutWall(Path.Combine(without, RunFolder.ProgressFile)), WithoutWall(Path.Combine(with, RunFolder.ProgressFile)));
        Assert.Equal(File.ReadAllText(Path.Combine(without, RunFolder.PolicyFile)), File.ReadAllText(Path.Combine(with, RunFolder.PolicyFile)));
        Assert.False(File.Exists(Path.Combine(without, RunFolder.EvalFile)));
        Assert.False(File.Exists(Path.Combine(without, RunFolder.BestPolicyFile)));
    }

    [Fact]
    public void AResumedRunWritesTheUninterruptedEvalCsvAndBestPolicy()
    {
        string full = Path.Combine(_root, "full"), cut = Path.Combine(_root, "cut");
        TrainingRun.Open(full, Small(1), FolderMode.New).Run();
        using (var cancel = new CancellationTokenSource())
        {
            // Stopped after iteration 5: checkpoint 3 exists, evaluations 4 and 5 are logged and dropped by the resume.
            TrainingRun.Open(cut, Small(1), FolderMode.New).Run(row => { if (row.Iteration == 5) cancel.Cancel(); }, cancel.Token);
        }
        Assert.Equal(6, File.ReadAllLines(Path.Combine(cut, RunFolder.EvalFile)).Length);
        File.AppendAllText(Path.Combine(cut, RunFolder.EvalFile), "6,6000,4,20"); // a torn row
        TrainingRun.Open(cut, null, FolderMode.Resume).Run();
        Assert.Equal(File.ReadAllText(Path.Combine(full, RunFolder.EvalFile)), File.ReadAllText(Path.Combine(cut, RunFolder.EvalFile)));
        Assert.Equal(File.ReadAllText(Path.Combine(full, RunFolder.BestPolicyFile)), File.ReadAllText(Path.Combine(cut, RunFolder.BestPolicyFile)));
    }

    [Fact]
    public void EvalKeysAreValidated()
    {
        var problems = (Small(-1) with { EvalEpisodes = 0 }).Problems(boxActions: false).ToArray();
        Assert.Contains(problems, p => p.StartsWith("eval_every must be an integer in [0, 1000000]", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("eval_episodes must be an integer in [1, 10000]", StringComparison.Ordinal));
    }

    [Fact]
    public void EvalColumnsReadAgainstEveryXAxis()
    {
        string dir = Path.Combine(_root, "cols");
        TrainingRun.Open(dir, Small(2) with { TotalSteps = 4_000 }, FolderMode.New).Run();
        var steps = ColumnSeries.Read(dir, "eval_return_mean", "env_steps");
        Assert.Equal([2000.0, 4000.0], steps.Xs);
        var wall = ColumnSeries.Read(dir, "eval_return_mean", "wall_seconds");
        var progressWall = ColumnSeries.Read(dir, "wall_seconds", "iteration");
        Assert.Equal([progressWall.Ys[1], progressWall.Ys[3]], wall.Xs);
        Assert.Equal(steps.Ys, wall.Ys);
        Assert.Equal([1.0, 2, 3, 4], ColumnSeries.Read(dir, "kl", "iteration").Xs);
        Assert.Throws<ArgumentException>(() => ColumnSeries.Read(dir, "rejection"));
        Assert.Throws<ArgumentException>(() => ColumnSeries.Read(dir, "kl", "episodes"));
    }
}
