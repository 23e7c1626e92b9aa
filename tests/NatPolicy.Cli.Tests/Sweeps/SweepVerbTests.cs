using NatPolicy.Experiments.Sweeps;

namespace NatPolicy.Cli.Tests.Sweeps;

/// <summary>sweep through <see cref="Cli.Run"/>: the spec's refusals, folder names, resumable tasks, status, the Slurm script.</summary>
[Trait("Category", "Env")]
public sealed class SweepVerbTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-sweep-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Path.Combine(_root, name);

    private string Spec(string text)
    {
        string path = Dir($"spec{Directory.GetFiles(_root, "*.yaml").Length}.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>1 env × 2 batch sizes × 2 algos × 2 seeds, a few iterations each.</summary>
    private const string Small = """
        envs: [CartPole-v1]
        algos: [vpg, npg]
        seeds: {count: 2, first: 3}
        steps: 1200
        set: {checkpoint_every: 1}
        grid: {steps_per_iteration: [300, 400]}
        eval_episodes: 3
        """;

    [Theory]
    [InlineData("unknown key 'colour'", "envs: [CartPole-v1]\nalgos: [npg]\nseeds: 2\ncolour: red")]
    [InlineData("grid", "envs: [CartPole-v1]\nalgos: [npg]\nseeds: 2\ngrid: {}")]
    [InlineData("grid.algo.max_kl", "envs: [CartPole-v1]\nalgos: [npg]\nseeds: 2\ngrid: {algo.max_kl: []}")]
    [InlineData("unknown env 'CartPole-v9'", "envs: [CartPole-v9]\nalgos: [npg]\nseeds: 2")]
    [InlineData("unknown algo 'sgd'", "envs: [CartPole-v1]\nalgos: [sgd]\nseeds: 2")]
    [InlineData("algo.max_kl", "envs: [CartPole-v1]\nalgos: [npg]\nseeds: 2\ngrid: {algo.max_kl: [0.01, -1]}")]
    [InlineData("polcy", "envs: [CartPole-v1]\nalgos: [npg]\nseeds: 2\nlist: [{polcy.kind: rff}]")]
    [InlineData("11,000 cells", "envs: [CartPole-v1]\nalgos: [npg]\nseeds: 1000\ngrid: {steps_per_iteration: [100,200,300,400,500,600,700,800,900,1000,1100]}")]
    public void BadSpecIsOneLineExit2AndWritesNothing(string mention, string spec)
    {
        string output = Dir("out");
        var (code, _, err) = InProcess.Natpolicy("sweep", Spec(spec), "--out", output);
        Assert.Equal(2, code);
        Assert.Contains(mention, err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void CellsAreNamedFromTheirOverridesAndATaskAtATimeFinishesLikeOneRun()
    {
        string spec = Spec(Small);
        string whole = Dir("whole"), tasks = Dir("tasks");
        Assert.Equal(0, InProcess.Natpolicy("sweep", spec, "--out", whole, "--jobs", "2", "--quiet").Code);
        var sweep = Sweep.Open(whole);
        Assert.Equal(8, sweep.Cells.Count);
        Assert.Equal("CartPole-v1/steps_per_iteration=300/vpg/s3", sweep.Cells[0].Folder);
        Assert.Equal("CartPole-v1/steps_per_iteration=400/npg/s4", sweep.Cells[7].Folder);
        Assert.True(File.Exists(Path.Combine(whole, "CartPole-v1", "steps_per_iteration=400", "learning_curves.png")));
        Assert.Contains("steps_per_iteration", File.ReadAllLines(Path.Combine(whole, SweepSummary.CsvFile))[0]);

        // The Slurm path by hand: create (dry run), run tasks of 3 cells, one cell interrupted half-way, then rerun.
        var (code, script, _) = InProcess.Natpolicy("sweep", spec, "--out", tasks, "--slurm", "--dry-run", "--cells-per-task", "3",
            "--partition", "short", "--time", "00:10:00", "--mem", "1G", "--natpolicy", "/opt/np/natpolicy");
        Assert.Equal(0, code);
        Assert.Contains("#SBATCH --array=0-2\n", script);
        Assert.Contains("#SBATCH --partition=short\n", script);
        Assert.Contains("#SBATCH --time=00:10:00\n", script);
        Assert.Contains("#SBATCH --mem=1G\n", script);
        Assert.Contains("/opt/np/natpolicy sweep run-task", script);
        Assert.Contains("--dependency=afterok", File.ReadAllText(Path.Combine(tasks, "slurm", "cells.sbatch")));
        Assert.Contains("sweep aggregate", File.ReadAllText(Path.Combine(tasks, "slurm", "aggregate.sbatch")));

        var (bad, _, badErr) = InProcess.Natpolicy("sweep", spec, "--out", tasks, "--slurm", "--dry-run", "--time", "1:00\n#SBATCH --x");
        Assert.Equal(2, bad);
        Assert.Contains("--time", badErr);
        Assert.Equal(0, InProcess.Natpolicy("sweep", "run-task", tasks, "--task", "1", "--cells-per-task", "3").Code);
        var opened = Sweep.Open(tasks);
        var (c, k) = opened.Locate(opened.Cells[0]);
        using (var cancel = new CancellationTokenSource())
        {
            int rows = 0;
            SweepEngine.RunCell(c, k, _ => { if (++rows == 2) cancel.Cancel(); }, cancel.Token);
        }
        // A task killed mid-cell leaves its lock file behind: status calls that cell failed.
        File.WriteAllText(Path.Combine(opened.CellFolder(opened.Cells[0]), SweepEngine.LockFile), "gone 1\n");
        var (_, status, _) = InProcess.Natpolicy("sweep", "status", tasks);
        Assert.StartsWith("8 cells: 3 done, 0 running, 1 failed, 4 pending", status);
        Assert.Contains("killed", status);

        Assert.Equal(0, InProcess.Natpolicy("sweep", spec, "--out", tasks, "--quiet").Code);
        Assert.StartsWith("8 cells: 8 done", InProcess.Natpolicy("sweep", "status", tasks).Out);
        SweepFiles.AssertSame(whole, tasks);

        // Running the same spec again changes nothing; another spec into the folder is refused.
        Assert.Equal(0, InProcess.Natpolicy("sweep", spec, "--out", whole, "--quiet").Code);
        var (again, _, err) = InProcess.Natpolicy("sweep", Spec(Small.Replace("400]", "500]", StringComparison.Ordinal)), "--out", whole);
        Assert.Equal(2, again);
        Assert.Contains("another sweep", err);
    }

    [Fact]
    public void FolderNamesAreSanitisedAndStayDistinct()
    {
        Assert.Equal("base", Sweep.Name([]));
        Assert.Equal("algo.max_kl=0.01,steps_per_iteration=500", Sweep.Name([new("algo.max_kl", "0.01"), new("steps_per_iteration", "500")]));
        string a = Sweep.Name([new("policy.hidden_sizes", "[64,64]")]), b = Sweep.Name([new("policy.hidden_sizes", "[64_64]")]);
        Assert.Matches("^[A-Za-z0-9._=,+~-]+$", a);
        Assert.NotEqual(a, b);
        Assert.True(Sweep.Name([new("policy.kind", new string('x', 200))]).Length <= 80);
    }
}
