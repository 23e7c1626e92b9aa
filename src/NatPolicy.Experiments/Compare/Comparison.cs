using System.Globalization;
using NatPolicy.Agents.Training;
using NatPolicy.Experiments.Runs;
using NatPolicy.Experiments.Sweeps;

namespace NatPolicy.Experiments.Compare;

/// <summary>Where a cell stands, read from its folder.</summary>
public enum CellStatus
{
    /// <summary>Its folder or config.json is gone.</summary>
    Missing,

    /// <summary>Started (config.json written) but short of its budget or without policy.json.</summary>
    Partial,

    /// <summary>Trained to its budget (policy.json written), not yet evaluated.</summary>
    Trained,

    /// <summary>Trained and evaluated (eval_final.json written): the only status that enters a summary.</summary>
    Finished,
}

/// <summary>A cell with its status and env steps logged so far.</summary>
public sealed record CellState(ComparisonCell Cell, string Folder, CellStatus Status, long EnvSteps);

/// <summary>
/// A comparison folder: the cells of <c>comparison.json</c>, each a run folder <c>&lt;algo&gt;/s&lt;seed&gt;/</c>.
/// <see cref="Create"/> writes every cell's config.json and then comparison.json (so a comparison interrupted at any
/// moment can be resumed), <see cref="Run"/> trains every cell that is not finished (resuming partial ones from their
/// newest checkpoint) and evaluates its final policy, <see cref="ComparisonSummary"/> turns the finished cells into
/// the summary files. Each cell is single-threaded and fully seeded, so the files do not depend on the job count.
/// </summary>
public sealed class Comparison
{
    private Comparison(string dir, ComparisonManifest manifest)
    {
        Dir = Path.GetFullPath(dir);
        Manifest = manifest;
    }

    public string Dir { get; }
    public ComparisonManifest Manifest { get; }

    /// <summary>The absolute folder of a cell.</summary>
    public string CellFolder(ComparisonCell cell) => Path.Combine(Dir, Path.Combine(cell.Folder.Split('/')));

    /// <summary>
    /// The cells' configs: one per (algo, seed), <paramref name="resolve"/> giving the resolved config of each, with one
    /// env-step budget for every algo — the budget <paramref name="resolve"/> gives npg — unless
    /// <paramref name="stepsFor"/> sets an algo's own.
    /// </summary>
    public static IReadOnlyList<TrainConfig> PlanCells(IReadOnlyList<string> algos, IReadOnlyList<ulong> seeds,
        Func<string, ulong, TrainConfig> resolve, IReadOnlyDictionary<string, long>? stepsFor = null)
    {
        var cells = new List<TrainConfig>();
        foreach (var algo in algos)
            foreach (var seed in seeds)
            {
                long budget = stepsFor is not null && stepsFor.TryGetValue(algo, out long own) ? own : resolve("npg", seed).TotalSteps;
                cells.Add(resolve(algo, seed) with { TotalSteps = budget });
            }
        return cells;
    }

    /// <summary>
    /// Creates the comparison folder with one cell per config (configs in table order: algos as first seen, seeds
    /// ascending). An existing folder is refused unless <paramref name="force"/>, which deletes it first — only when
    /// it holds a comparison or a run, never another folder. Nothing is written when the input is refused.
    /// </summary>
    public static Comparison Create(string dir, double? threshold, IReadOnlyList<TrainConfig> configs, EvaluationSettings evaluation, bool force)
    {
        if (configs.Count == 0) throw new ComparisonException("a comparison needs at least one cell");
        string env = configs[0].EnvId;
        if (configs.FirstOrDefault(c => c.EnvId != env) is { } other)
            throw new ComparisonException($"every cell of a comparison trains on one env ({env}), not {other.EnvId}");
        if (configs.GroupBy(c => (c.AlgoName, c.Seed)).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ComparisonException($"cell {twice.Key.AlgoName} s{twice.Key.Seed} is listed twice");
        if (configs.GroupBy(c => c.AlgoName).FirstOrDefault(g => g.Select(c => c.TotalSteps).Distinct().Count() > 1) is { } mixed)
            throw new ComparisonException($"the {mixed.Key} cells have different budgets; one budget per algo");
        if (evaluation.Episodes < 1) throw new ComparisonException($"evaluation episodes must be at least 1 (got {evaluation.Episodes})");
        foreach (var c in configs)
            if (c.Problems(TrainDefaults.IsBox(c.EnvId)).FirstOrDefault() is { } problem) throw new ComparisonException($"cell {c.AlgoName} s{c.Seed}: {problem}");
        PrepareFolder(dir, force);

        var cells = new List<ComparisonCell>();
        foreach (var c in configs)
        {
            string folder = $"{c.AlgoName}/s{c.Seed.ToString(CultureInfo.InvariantCulture)}";
            // Writes config.json and the progress header: from here on the cell can be resumed like any run.
            var run = TrainingRun.Open(Path.Combine(dir, c.AlgoName, $"s{c.Seed.ToString(CultureInfo.InvariantCulture)}"), c, FolderMode.New);
            cells.Add(new ComparisonCell(c.AlgoName, c.Seed, c.TotalSteps, run.ConfigHash, folder));
        }
        var manifest = new ComparisonManifest(ComparisonManifest.CurrentVersion, env, threshold,
            configs.Select(c => c.AlgoName).Distinct().ToArray(), configs.Select(c => c.Seed).Distinct().Order().ToArray(), evaluation, cells);
        manifest.Write(dir);
        return new Comparison(dir, manifest);
    }

    /// <summary>Opens an existing comparison folder (for resume, summary and figures).</summary>
    public static Comparison Open(string dir)
    {
        if (!Directory.Exists(dir)) throw new ComparisonException($"comparison folder '{dir}' does not exist");
        return new Comparison(dir, ComparisonManifest.Read(dir));
    }

    /// <summary>True when <paramref name="dir"/> holds a comparison: comparison.json or <c>&lt;algo&gt;/s&lt;seed&gt;/</c> run folders.</summary>
    public static bool LooksLikeComparison(string dir) =>
        ComparisonManifest.Exists(dir) || (Directory.Exists(dir) && ComparisonFolder.Algos(dir).Count > 0);

    /// <summary>
    /// Makes <paramref name="dir"/> an empty folder: refuses a non-empty one unless forced; with force deletes it whole,
    /// but only when it holds a comparison, a run or a benchmark (<paramref name="marker"/>), so a mistyped --out cannot
    /// delete anything else.
    /// </summary>
    public static void PrepareFolder(string dir, bool force, string? marker = null)
    {
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any(e => !RunFolderLock.IsLockFile(e)))
        {
            bool ours = LooksLikeComparison(dir) || new RunFolder(dir).HoldsRun || (marker is not null && File.Exists(Path.Combine(dir, marker)));
            if (!ours)
                throw new ComparisonException(force
                    ? $"--force: {dir} holds neither a comparison nor a run; refusing to delete it (choose another --out)"
                    : $"output folder {dir} is not empty and holds no comparison; choose another --out");
            if (!force)
                throw new ComparisonException($"output folder {dir} already holds a comparison; use --force to replace it or --resume {dir} to finish it");
            // Everything but the lock file, which the caller may hold (deleting it would let a second process lock a new one).
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir).Where(e => !RunFolderLock.IsLockFile(e)).ToArray())
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
        }
        Directory.CreateDirectory(dir);
    }

    /// <summary>
    /// Status of a cell from its files. Throws <see cref="ComparisonException"/> when its config.json is not the one
    /// comparison.json recorded (the folder was changed or replaced by another run).
    /// </summary>
    public CellState State(ComparisonCell cell)
    {
        var folder = new RunFolder(CellFolder(cell));
        if (!File.Exists(folder.Config)) return new CellState(cell, folder.Path, CellStatus.Missing, 0);
        string hash = RunFolder.ConfigHash(File.ReadAllBytes(folder.Config));
        if (hash != cell.ConfigSha256)
            throw new ComparisonException($"cell {cell.Label} ({folder.Path}): config.json is not the config comparison.json recorded (sha256 {hash[..12]}… ≠ {cell.ConfigSha256[..Math.Min(12, cell.ConfigSha256.Length)]}…); rerun the comparison with --force");
        var rows = File.Exists(folder.Progress) ? ProgressCsv.Read(folder.Progress) : [];
        long steps = rows.Count == 0 ? 0 : rows[^1].EnvSteps;
        var status = steps < cell.TotalSteps || !File.Exists(folder.Policy) ? CellStatus.Partial
            : File.Exists(Path.Combine(folder.Path, EvaluationFile.FinalFileName)) ? CellStatus.Finished
            : CellStatus.Trained;
        return new CellState(cell, folder.Path, status, steps);
    }

    /// <summary>Every cell's state, in comparison.json order (checks every config hash first).</summary>
    public IReadOnlyList<CellState> States() => Manifest.Cells.Select(State).ToArray();

    /// <summary>
    /// Trains every cell that is not finished — partial ones from their newest checkpoint — and evaluates each final
    /// policy. <paramref name="report"/> is called (thread-safe use is the caller's) with (cell index, row) after each
    /// iteration and (cell index, null) when a cell is finished, also at once for cells that already were.
    /// Cancelling stops every cell after its current iteration; <see cref="Run"/> again (or --resume) continues.
    /// </summary>
    public void Run(int jobs, Action<int, IterationLog?>? report = null, CancellationToken cancel = default) =>
        RunAll([this], jobs, report is null ? null : (_, k, row) => report(k, row), cancel);

    /// <summary>
    /// <see cref="Run"/> over several comparisons in one pool of <paramref name="jobs"/> single-threaded cells: the
    /// sweep engine's <see cref="SweepEngine.Run"/> over all their cells.
    /// </summary>
    public static void RunAll(IReadOnlyList<Comparison> comparisons, int jobs, Action<Comparison, int, IterationLog?>? report = null,
        CancellationToken cancel = default) =>
        SweepEngine.Run(comparisons.SelectMany(c => Enumerable.Range(0, c.Manifest.Cells.Count).Select(k => (c, k))).ToArray(), jobs, report, cancel);
}
