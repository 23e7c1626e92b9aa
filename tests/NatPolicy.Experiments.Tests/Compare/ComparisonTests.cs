using NatPolicy.Agents.Training;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Tests.Compare;

/// <summary>
/// A comparison is exactly the cells it was asked for: --force replaces the folder, the summary reads only the cells of
/// comparison.json and refuses a cell whose config changed, an interrupted comparison resumes to the same summary.
/// </summary>
[Trait("Category", "Env")]
public sealed class ComparisonTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-compare-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly EvaluationSettings Eval = EvaluationSettings.Final with { Episodes = 5 };

    /// <summary>CartPole cells as compare resolves them (defaults, then the budget), small batches so a cell has several checkpoints.</summary>
    private static IReadOnlyList<TrainConfig> Cells(string[] algos, int seeds, long steps, IReadOnlyDictionary<string, long>? stepsFor = null) =>
        Comparison.PlanCells(algos, Enumerable.Range(0, seeds).Select(s => (ulong)s).ToArray(),
            (algo, seed) => TrainDefaults.For("CartPole-v1", algo) with { Seed = seed, TotalSteps = steps, StepsPerIteration = 1_000, CheckpointEvery = 2 },
            stepsFor);

    private string Dir(string name) => Path.Combine(_root, name);

    private static ComparisonSummary RunAndSummarise(Comparison c, int jobs = 2)
    {
        c.Run(jobs);
        return ComparisonSummary.Write(c);
    }

    /// <summary>A csv file without the columns whose name contains "wall".</summary>
    private static string[] WithoutWall(string path)
    {
        var lines = File.ReadAllLines(path);
        var keep = lines[0].Split(',').Select((name, k) => (name, k)).Where(p => !p.name.Contains("wall", StringComparison.Ordinal)).Select(p => p.k).ToArray();
        return lines.Select(l => string.Join(',', keep.Select(k => l.Split(',')[k]))).ToArray();
    }

    [Fact]
    public void Equal_budgets_hand_out_the_costlier_update_rules_first()
    {
        var c = Comparison.Create(Dir("order"), 475, Cells(["vpg", "npg", "trpo"], 2, 1_000), Eval, force: false);
        var finished = new List<string>();
        c.Run(1, (k, row) =>
        {
            if (row is null) finished.Add(c.Manifest.Cells[k].Label);
        });
        Assert.Equal(["trpo s0", "trpo s1", "npg s0", "npg s1", "vpg s0", "vpg s1"], finished);
    }

    [Fact]
    public void ForceReplacesTheFolderAndTheSummaryHoldsExactlyTheCellsAskedFor()
    {
        string dir = Dir("cmp");
        var first = RunAndSummarise(Comparison.Create(dir, 475, Cells(["npg", "trpo"], 3, 2_000), Eval, force: false));
        Assert.All(first.Algos, a => Assert.Equal(3, a.Seeds));

        // The cases: fewer seeds, then one algo with one seed and another budget.
        var fewer = RunAndSummarise(Comparison.Create(dir, 475, Cells(["npg", "trpo"], 2, 2_000), Eval, force: true));
        Assert.All(fewer.Algos, a => Assert.Equal(2, a.Seeds));
        Assert.False(Directory.Exists(Path.Combine(dir, "npg", "s2")));

        var one = RunAndSummarise(Comparison.Create(dir, 475, Cells(["npg"], 1, 1_000), Eval, force: true));
        var npg = Assert.Single(one.Algos);
        Assert.Equal(("npg", 1, 1, 1_000L), (npg.Algo, npg.Seeds, npg.SeedsPlanned, npg.TotalSteps));
        Assert.False(Directory.Exists(Path.Combine(dir, "trpo")));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(dir, ComparisonSummary.CsvFile)).Length);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(dir, ComparisonSummary.CellsFile)).Length);
        Assert.Equal(1_000, Assert.Single(one.Curves()).Curve.EnvSteps[^1]);

        // A run folder copied in by hand is not a cell of comparison.json: nothing reads it.
        string before = File.ReadAllText(Path.Combine(dir, ComparisonSummary.CsvFile));
        CopyDirectory(Path.Combine(dir, "npg", "s0"), Path.Combine(dir, "npg", "s9"));
        var again = ComparisonSummary.Write(Comparison.Open(dir));
        Assert.Equal(1, Assert.Single(again.Algos).Seeds);
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir, ComparisonSummary.CsvFile)));
    }

    [Fact]
    public void AnExistingFolderIsRefusedWithoutForceAndAForeignOneEvenWithForce()
    {
        string dir = Dir("cmp");
        RunAndSummarise(Comparison.Create(dir, 475, Cells(["npg"], 1, 2_000), Eval, force: false));
        var e = Assert.Throws<ComparisonException>(() => Comparison.Create(dir, 475, Cells(["npg"], 1, 2_000), Eval, force: false));
        Assert.Contains("--force", e.Message);
        Assert.Contains("--resume", e.Message);

        string foreign = Dir("mine");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "notes.txt"), "keep me");
        e = Assert.Throws<ComparisonException>(() => Comparison.Create(foreign, 475, Cells(["npg"], 1, 2_000), Eval, force: true));
        Assert.Contains("refusing to delete", e.Message);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(foreign, "notes.txt")));
        Assert.Single(Directory.GetFileSystemEntries(foreign));
    }

    [Fact]
    public void ACellWhoseConfigChangedIsRefusedByName()
    {
        string dir = Dir("cmp");
        var c = Comparison.Create(dir, 475, Cells(["npg", "trpo"], 2, 2_000), Eval, force: false);
        RunAndSummarise(c);
        // Another run trained into one cell's folder (as a hand-made `train --force --out` would).
        string cell = Path.Combine(dir, "trpo", "s1");
        var trpo = TrainDefaults.For("CartPole-v1", "trpo");
        TrainingRun.Open(cell, trpo with { Seed = 1, TotalSteps = 2_000, Algo = (TrpoConfig)trpo.Algo with { MaxKl = 0.02 } }, FolderMode.Force).Run();
        var e = Assert.Throws<ComparisonException>(() => ComparisonSummary.Write(Comparison.Open(dir)));
        Assert.Contains("trpo s1", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Throws<ComparisonException>(() => Comparison.Open(dir).Run(1));
    }

    [Fact]
    public void AnUnfinishedCellIsReportedNotAveraged()
    {
        string dir = Dir("cmp");
        var c = Comparison.Create(dir, 475, Cells(["npg"], 2, 4_000), Eval, force: false);
        using var cancel = new CancellationTokenSource();
        c.Run(1, (k, row) => { if (k == 1 && row?.Iteration == 2) cancel.Cancel(); }, cancel.Token);
        var s = ComparisonSummary.Write(c);
        var npg = Assert.Single(s.Algos);
        Assert.Equal((1, 2), (npg.Seeds, npg.SeedsPlanned));
        Assert.Equal(CellStatus.Partial, Assert.Single(s.Unfinished).State.Status);
        string md = File.ReadAllText(Path.Combine(dir, ComparisonSummary.MarkdownFile));
        Assert.Contains("| npg | 4,000 | 1 of 2 |", md);
        Assert.Contains("npg s1 partial at 2,000 of 4,000 env steps", md);
    }

    [Fact]
    public void AComparisonCancelledAtARandomMomentAndResumedGivesTheUninterruptedSummary()
    {
        var cells = Cells(["npg", "trpo"], 1, 6_000);
        string full = Dir("full"), cut = Dir("cut");
        RunAndSummarise(Comparison.Create(full, 475, cells, Eval, force: false));

        // 2 cells × 6 iterations = 12 rows; cancel after a random number of them (every cell stops after its current
        // iteration, rows beyond the newest checkpoint are rewritten on resume).
        int stopAfter = Random.Shared.Next(1, 12);
        int rows = 0;
        using (var cancel = new CancellationTokenSource())
        {
            Comparison.Create(cut, 475, cells, Eval, force: false)
                .Run(2, (_, row) => { if (row is not null && Interlocked.Increment(ref rows) >= stopAfter) cancel.Cancel(); }, cancel.Token);
        }
        // A kill between a cell's policy.json and its evaluation: trained, not evaluated.
        var resumed = Comparison.Open(cut);
        foreach (var state in resumed.States().Where(s => s.Status == CellStatus.Finished).Take(1))
            File.Delete(Path.Combine(state.Folder, EvaluationFile.FinalFileName));
        RunAndSummarise(resumed, jobs: 1);

        foreach (var file in new[] { ComparisonSummary.CsvFile, ComparisonSummary.CellsFile })
            Assert.True(WithoutWall(Path.Combine(full, file)).SequenceEqual(WithoutWall(Path.Combine(cut, file))), $"{file} differs after a cancel at row {stopAfter}");
        Assert.All(Comparison.Open(cut).States(), s => Assert.Equal(CellStatus.Finished, s.Status));
    }

    [Fact]
    public void EveryAlgoGetsTheNpgBudgetUnlessItsOwnIsGivenAndThenTheSummarySaysSo()
    {
        var plain = Comparison.PlanCells(["vpg", "npg", "trpo"], [0], (a, s) => TrainDefaults.For("CartPole-v1", a) with { Seed = s });
        Assert.All(plain, c => Assert.Equal(TrainDefaults.For("CartPole-v1", "npg").TotalSteps, c.TotalSteps));

        string dir = Dir("cmp");
        var c = Comparison.Create(dir, 475, Cells(["vpg", "npg"], 1, 2_000, new Dictionary<string, long> { ["vpg"] = 3_000 }), Eval, force: false);
        Assert.True(c.Manifest.BudgetsDiffer);
        var s = RunAndSummarise(c);
        Assert.Equal([3_000L, 2_000L], s.Algos.Select(a => a.TotalSteps));
        string md = File.ReadAllText(Path.Combine(dir, ComparisonSummary.MarkdownFile));
        Assert.Contains("budgets differ per algo", md);
        Assert.Contains("vpg 3,000, npg 2,000", md);
        Assert.Contains("| vpg | 3,000 |", md);

        // And the recorded cells carry the budget and the hash of the config each folder holds.
        foreach (var cell in c.Manifest.Cells)
            Assert.Equal(cell.ConfigSha256, RunFolder.ConfigHash(File.ReadAllText(Path.Combine(c.CellFolder(cell), RunFolder.ConfigFile))));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.GetDirectories(from)) CopyDirectory(d, Path.Combine(to, Path.GetFileName(d)));
    }
}
