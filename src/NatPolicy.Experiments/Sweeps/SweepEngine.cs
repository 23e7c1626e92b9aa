using System.Collections.Concurrent;
using System.Globalization;
using NatPolicy.Agents.Training;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Sweeps;

/// <summary>
/// Runs cells of comparisons — the one execution path of compare, benchmark, a local sweep and a Slurm task. A cell
/// is idempotent: a finished one is skipped, a partial one resumes from its newest checkpoint (so its rows are the rows
/// of an uninterrupted run), a trained one is only evaluated; a cell writes only into its own folder. While it runs
/// it holds an exclusive lock on <c>task.lock</c> in its folder (so a second task on the same cell is refused and
/// <c>sweep status</c> sees it running); a cell that throws leaves <c>task_failed.txt</c> with the message.
/// </summary>
public static class SweepEngine
{
    /// <summary>The lock a running cell holds in its folder (deleted when it ends; left behind only by a kill).</summary>
    public const string LockFile = "task.lock";

    /// <summary>The one line a failed cell leaves in its folder (deleted when the cell is next started).</summary>
    public const string FailedFile = "task_failed.txt";

    /// <summary>
    /// Trains every given cell that is not finished in a pool of <paramref name="jobs"/> single-threaded cells, the
    /// largest remaining budgets first (and among equal budgets the costlier update rules, <see cref="CostRank"/>),
    /// handed out one at a time (so the last job to finish is a short one).
    /// <paramref name="report"/> gets (comparison, cell index, row) after each iteration and (…, null) when a cell is
    /// finished, also at once for cells that already were. Cancelling stops every cell after its current iteration.
    /// A cell that throws does not stop the others: once every cell has run, an <see cref="AggregateException"/> holds
    /// each failure.
    /// </summary>
    public static void Run(IReadOnlyList<(Comparison C, int K)> cells, int jobs, Action<Comparison, int, IterationLog?>? report = null,
        CancellationToken cancel = default)
    {
        if (jobs < 1) throw new ArgumentOutOfRangeException(nameof(jobs), jobs, "at least one job");
        var work = new List<(Comparison C, int K, CellState State)>();
        foreach (var (c, k) in cells)
        {
            var state = c.State(c.Manifest.Cells[k]);
            if (state.Status == CellStatus.Missing)
                throw new ComparisonException($"cell {state.Cell.Label}: {state.Folder} has no config.json, so it cannot be resumed; rerun the comparison with --force");
            if (state.Status == CellStatus.Finished) report?.Invoke(c, k, null);
            else work.Add((c, k, state));
        }
        var order = work.OrderByDescending(w => w.State.Cell.TotalSteps - w.State.EnvSteps).ThenBy(w => CostRank(w.State.Cell.Algo)).ToArray();
        var queue = Partitioner.Create(order, EnumerablePartitionerOptions.NoBuffering);
        var failed = new ConcurrentQueue<Exception>();
        Parallel.ForEach(queue, new ParallelOptions { MaxDegreeOfParallelism = jobs }, w =>
        {
            if (cancel.IsCancellationRequested) return;
            try
            {
                if (RunCell(w.C, w.K, report is null ? null : row => report(w.C, w.K, row), cancel)) report?.Invoke(w.C, w.K, null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed.Enqueue(e);
            }
        });
        if (!failed.IsEmpty) throw new AggregateException(failed);
    }

    /// <summary>
    /// Among cells with the same remaining budget, the costlier update rules go first: trpo (CG products and a line
    /// search each iteration), then nac and npg (one solve), then vpg, so the pool's last cells are short ones and
    /// neither job idles long at the end (default CartPole comparison: trpo cells take about twice an npg cell's time).
    /// </summary>
    internal static int CostRank(string algo) => algo switch
    {
        "trpo" => 0,
        "nac" => 1,
        "npg" => 2,
        _ => 3,
    };

    /// <summary>
    /// Brings one cell to finished (trains the rest of its budget, evaluates its final policy); true when it is
    /// finished, false when cancelled first. Throws <see cref="SweepException"/> when another process holds the cell.
    /// </summary>
    public static bool RunCell(Comparison c, int k, Action<IterationLog>? report = null, CancellationToken cancel = default)
    {
        var cell = c.Manifest.Cells[k];
        string folder = c.CellFolder(cell);
        using var held = Lock(folder) ?? throw new SweepException($"cell {cell.Label} ({folder}) is being run by another process");
        string failed = Path.Combine(folder, FailedFile);
        try
        {
            if (File.Exists(failed)) File.Delete(failed);
            var state = c.State(cell);
            if (state.Status == CellStatus.Finished) return true;
            if (state.Status == CellStatus.Missing)
                throw new ComparisonException($"cell {cell.Label}: {folder} has no config.json, so it cannot be resumed; rerun with --force");
            if (state.Status == CellStatus.Partial)
            {
                var run = TrainingRun.Open(folder, null, FolderMode.Resume);
                run.Run(report, cancel);
                if (cancel.IsCancellationRequested && c.State(cell).Status == CellStatus.Partial) return false;
            }
            EvaluationFile.EvaluateFinal(folder, c.Manifest.Evaluation);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RunFolder.WriteAtomic(failed, $"{e.GetType().Name}: {e.Message.Split('\n')[0]}\n");
            throw;
        }
        finally
        {
            File.Delete(Path.Combine(folder, LockFile));
        }
    }

    /// <summary>The cell's exclusive lock (an advisory lock on <see cref="LockFile"/>), or null when another process holds it.</summary>
    private static FileStream? Lock(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var fs = new FileStream(Path.Combine(folder, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            fs.SetLength(0);
            var text = System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName} {Environment.ProcessId}\n"));
            fs.Write(text);
            fs.Flush();
            return fs;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>True when some process holds the cell's lock now.</summary>
    public static bool IsRunning(string folder)
    {
        string path = Path.Combine(folder, LockFile);
        if (!File.Exists(path)) return false;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
