using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Sweeps;

namespace NatPolicy.Cli.Verbs;

/// <summary>
/// <c>natpolicy sweep SPEC --out DIR</c>: expands a sweep spec into cells (<see cref="Sweep"/>) and runs them here
/// (<c>--jobs</c>, the engine compare uses) or on Slurm (<c>--slurm</c>: a job array and a dependent aggregation job);
/// <c>sweep run-task</c> is what an array task runs, <c>sweep status</c> and <c>sweep aggregate</c> read the folder.
/// </summary>
public static class SweepVerb
{
    /// <summary>The <c>sweep</c> command with its subcommands.</summary>
    public static Command Build(TextWriter stdout)
    {
        var spec = new Argument<string>("SPEC") { Description = "The sweep spec (YAML; the format is in docs/formats.md)." };
        var outDir = Options.Text("--out", "DIR", "Sweep folder (on a file system every node sees, for --slurm). Running the same spec into it again finishes it.");
        var jobs = CompareVerb.JobsOption();
        var yes = Options.Switch("--yes", $"Run a spec of more than {Sweep.ConfirmAbove.ToString("N0", CultureInfo.InvariantCulture)} cells.");
        var force = Options.Switch("--force", "Replace a sweep folder that holds a different sweep.");
        var quiet = Options.Switch("--quiet", "No progress display or summary.");
        var slurm = Options.Switch("--slurm", "Run the cells as a Slurm job array and aggregate in a job that depends on it (submitted with sbatch).");
        var dryRun = Options.Switch("--dry-run", "With --slurm: write the folder and the scripts, print the array script, submit nothing.");
        var perTask = CellsPerTaskOption();
        var partition = Options.Text("--partition", "NAME", "With --slurm: sbatch --partition.");
        var time = Options.Text("--time", "LIMIT", "With --slurm: sbatch --time per task (e.g. 01:00:00).");
        var cpus = Options.Int("--cpus-per-task", "N", "With --slurm: sbatch --cpus-per-task; a task runs that many of its cells at a time.", null, 1);
        var mem = Options.Text("--mem", "SIZE", "With --slurm: sbatch --mem per task (e.g. 2G).");
        var natpolicy = Options.Text("--natpolicy", "PATH", "With --slurm: the natpolicy program the tasks run. [default: this program's path, else natpolicy on PATH]");

        var command = new Command("sweep", "Run a grid of experiments: envs × config overrides × algos × seeds from a spec, here or on Slurm; resumable; aggregated per group.");
        command.Arguments.Add(spec);
        foreach (var o in new Option[] { outDir, jobs, yes, force, quiet, slurm, dryRun, perTask, partition, time, cpus, mem, natpolicy }) command.Options.Add(o);
        command.SetAction(p =>
        {
            var clock = Stopwatch.StartNew();
            string dir = p.GetValue(outDir) ?? throw new UsageException("--out DIR is required");
            if (!p.GetValue(slurm))
                foreach (var o in new Option[] { dryRun, perTask, partition, time, cpus, mem, natpolicy })
                    if (p.Given(o)) throw new UsageException($"{o.Name} applies to --slurm only");
            var parsed = SweepSpec.Load(p.GetValue(spec)!);
            var sweep = Sweep.Create(dir, parsed, p.GetValue(yes), p.GetValue(force));
            if (p.GetValue(slurm))
            {
                var options = new SlurmOptions(p.GetValue(natpolicy) ?? DefaultProgram(), p.GetValue(perTask)!.Value,
                    p.GetValue(partition), p.GetValue(time), p.GetValue(cpus), p.GetValue(mem));
                var (cellsScript, aggregateScript) = SlurmBackend.Write(sweep, options);
                if (p.GetValue(dryRun))
                {
                    stdout.Write(File.ReadAllText(cellsScript));
                    return 0;
                }
                var (array, aggregate) = SlurmBackend.Submit(cellsScript, aggregateScript);
                stdout.WriteLine($"submitted {sweep.Cells.Count.ToString(CultureInfo.InvariantCulture)} cells as job array {array} " +
                    $"({sweep.TaskCount(options.CellsPerTask).ToString(CultureInfo.InvariantCulture)} tasks) and aggregation job {aggregate} (afterok); " +
                    $"follow with: natpolicy sweep status {sweep.Dir}");
                return 0;
            }
            int code = RunCells(sweep, sweep.Cells, p.GetValue(jobs) ?? Environment.ProcessorCount, p.GetValue(quiet), stdout);
            if (code != 0) return code;
            Aggregate(sweep);
            if (!p.GetValue(quiet))
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{sweep.Cells.Count} cells in {clock.Elapsed.TotalSeconds:F1} s; wrote {sweep.Dir}: summary.csv, summary.md, and per group <env>/<overrides>/ summary files, figures and <algo>/s<seed>/"));
            return 0;
        });

        command.Subcommands.Add(RunTask(stdout));
        command.Subcommands.Add(Status(stdout));
        command.Subcommands.Add(AggregateCommand(stdout));
        return command;
    }

    private static Option<int?> CellsPerTaskOption() => Options.Int("--cells-per-task", "C", "Cells per array task.", 1, 1);

    private static Argument<string> DirArgument() => new("DIR") { Description = "A sweep folder (holding sweep.json)." };

    private static Command RunTask(TextWriter stdout)
    {
        var dir = DirArgument();
        var task = Options.Int("--task", "T", "The task number (0-based; $SLURM_ARRAY_TASK_ID).", null, 0);
        var perTask = CellsPerTaskOption();
        var jobs = Options.Int("--jobs", "J", "Cells of the task run at a time.", 1, 1);
        var command = new Command("run-task", "Run one task of a sweep: cells T·C … T·C+C−1 (finished ones skipped, partial ones resumed); what a Slurm array task runs.");
        command.Arguments.Add(dir);
        foreach (var o in new Option[] { task, perTask, jobs }) command.Options.Add(o);
        command.SetAction(p =>
        {
            var sweep = Sweep.Open(p.GetValue(dir)!);
            int t = p.GetValue(task) ?? throw new UsageException("--task T is required");
            var cells = sweep.TaskCells(t, p.GetValue(perTask)!.Value);
            return RunCells(sweep, cells, p.GetValue(jobs)!.Value, quiet: false, stdout, lines: true);
        });
        return command;
    }

    private static Command Status(TextWriter stdout)
    {
        var dir = DirArgument();
        var command = new Command("status", "Each cell of a sweep as done, running, failed or pending, from its files alone.");
        command.Arguments.Add(dir);
        command.SetAction(p =>
        {
            var sweep = Sweep.Open(p.GetValue(dir)!);
            var states = sweep.Status();
            string Count(SweepCellStatus s) => states.Count(x => x.Status == s).ToString(CultureInfo.InvariantCulture);
            stdout.WriteLine($"{states.Count.ToString(CultureInfo.InvariantCulture)} cells: {Count(SweepCellStatus.Done)} done, {Count(SweepCellStatus.Running)} running, " +
                $"{Count(SweepCellStatus.Failed)} failed, {Count(SweepCellStatus.Pending)} pending");
            foreach (var s in states.Where(s => s.Status != SweepCellStatus.Done))
            {
                string steps = string.Create(CultureInfo.InvariantCulture, $"{s.EnvSteps:N0} of {s.Cell.TotalSteps:N0} env steps");
                stdout.WriteLine($"{s.Status.ToString().ToLowerInvariant(),-8} {s.Cell.Index.ToString(CultureInfo.InvariantCulture),5} {s.Cell.Folder} ({steps}){(s.Reason is { } r ? ": " + r : "")}");
            }
            return 0;
        });
        return command;
    }

    private static Command AggregateCommand(TextWriter stdout)
    {
        var dir = DirArgument();
        var command = new Command("aggregate", "Write each group's summary and figure (compare's) and the table across groups, from the cells' files; unfinished cells are listed, not counted.");
        command.Arguments.Add(dir);
        command.SetAction(p =>
        {
            var sweep = Sweep.Open(p.GetValue(dir)!);
            var summary = Aggregate(sweep);
            stdout.Write(summary.Markdown());
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Runs cells with the sweep engine (progress display, or one line per finished cell for a task); exit 1, after
    /// every other cell ran, with one line per failed cell, when a cell failed.
    /// </summary>
    private static int RunCells(Sweep sweep, IReadOnlyList<SweepCell> cells, int jobs, bool quiet, TextWriter stdout, bool lines = false)
    {
        try
        {
            if (lines || quiet)
                sweep.Run(jobs, cells, (cell, row) =>
                {
                    if (row is null && !quiet) lock (stdout) stdout.WriteLine($"done {cell.Folder}");
                });
            else
            {
                var progress = CompareProgress.Create(stdout, cells.Select(c => c.Folder).ToArray(), cells.Select(c => c.TotalSteps).ToArray(), quiet);
                var index = cells.Select((c, k) => (c, k)).ToDictionary(x => x.c.Index, x => x.k);
                progress.Run(report => sweep.Run(jobs, cells, (cell, row) => report(index[cell.Index], row)));
            }
            return 0;
        }
        catch (AggregateException e)
        {
            foreach (var inner in e.Flatten().InnerExceptions) stdout.WriteLine($"failed: {inner.Message.Split('\n')[0]}");
            stdout.WriteLine($"natpolicy sweep status {sweep.Dir} lists every cell; run the same command again to finish the sweep");
            return 1;
        }
    }

    /// <summary>The summaries (library) and one figure per group.</summary>
    private static SweepSummary Aggregate(Sweep sweep)
    {
        var summary = SweepSummary.Write(sweep);
        for (int g = 0; g < summary.Groups.Count; g++) Figures.SaveComparison(sweep.Comparisons[g].Dir, summary.Groups[g]);
        return summary;
    }

    /// <summary>This program when it is the natpolicy tool, else <c>natpolicy</c> (found on the nodes' PATH).</summary>
    private static string DefaultProgram() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "natpolicy" ? path : "natpolicy";
}
