using System.Diagnostics;
using System.Globalization;
using System.Text;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Sweeps;

/// <summary>What the Slurm scripts pass to sbatch and run.</summary>
/// <param name="Natpolicy">The natpolicy program the tasks run (a path on the compute nodes, or a name on their PATH).</param>
/// <param name="CellsPerTask">Cells each array task runs (one after another, or --cpus-per-task at a time).</param>
/// <param name="Partition">sbatch --partition, or null for the cluster's default (likewise the others).</param>
/// <param name="Time">sbatch --time per task, e.g. <c>01:00:00</c>.</param>
/// <param name="Mem">sbatch --mem per task, e.g. <c>2G</c>.</param>
public sealed record SlurmOptions(string Natpolicy, int CellsPerTask, string? Partition, string? Time, int? CpusPerTask, string? Mem);

/// <summary>
/// The Slurm backend: a job-array script (<c>slurm/cells.sbatch</c>, task t runs <c>natpolicy sweep run-task DIR --task
/// t</c>) and an aggregation script (<c>slurm/aggregate.sbatch</c>) submitted with <c>--dependency=afterok:</c> the
/// array's job id, so it runs once every task has succeeded. Task logs go to <c>slurm/</c> in the sweep folder.
/// </summary>
public static class SlurmBackend
{
    public const string Folder = "slurm", CellsScript = "cells.sbatch", AggregateScript = "aggregate.sbatch";

    /// <summary>The job-array script.</summary>
    public static string Cells(Sweep sweep, SlurmOptions o)
    {
        int tasks = sweep.TaskCount(o.CellsPerTask);
        string logs = Path.Combine(sweep.Dir, Folder);
        var sb = new StringBuilder("#!/bin/bash\n");
        sb.Append($"# NatPolicy sweep {sweep.Dir}: {I(sweep.Cells.Count)} cells in {I(tasks)} array tasks of {I(o.CellsPerTask)} cell(s).\n");
        sb.Append("# A task skips finished cells and resumes partial ones from their checkpoints, so submitting this again finishes\n");
        sb.Append("# a killed or half-failed sweep. Then aggregate: sbatch --dependency=afterok:<this job id> " + Q(Path.Combine(logs, AggregateScript)) + "\n");
        sb.Append("#SBATCH --job-name=natpolicy-sweep\n");
        sb.Append($"#SBATCH --array=0-{I(tasks - 1)}\n");
        sb.Append($"#SBATCH --output={Path.Combine(logs, "task_%a.out")}\n");
        Resources(sb, o);
        sb.Append("set -euo pipefail\n");
        sb.Append($"exec {Q(o.Natpolicy)} sweep run-task {Q(sweep.Dir)} --task \"$SLURM_ARRAY_TASK_ID\" --cells-per-task {I(o.CellsPerTask)} --jobs \"${{SLURM_CPUS_PER_TASK:-1}}\"\n");
        return sb.ToString();
    }

    /// <summary>The aggregation script (submit it after the array with --dependency=afterok:ARRAY_JOB_ID).</summary>
    public static string Aggregate(Sweep sweep, SlurmOptions o)
    {
        string logs = Path.Combine(sweep.Dir, Folder);
        var sb = new StringBuilder("#!/bin/bash\n");
        sb.Append($"# NatPolicy sweep {sweep.Dir}: the summaries and figures, once every cell task has succeeded.\n");
        sb.Append("#SBATCH --job-name=natpolicy-aggregate\n");
        sb.Append($"#SBATCH --output={Path.Combine(logs, "aggregate.out")}\n");
        Resources(sb, o with { CpusPerTask = null });
        sb.Append("set -euo pipefail\n");
        sb.Append($"exec {Q(o.Natpolicy)} sweep aggregate {Q(sweep.Dir)}\n");
        return sb.ToString();
    }

    private static void Resources(StringBuilder sb, SlurmOptions o)
    {
        if (o.Partition is { } p) sb.Append($"#SBATCH --partition={p}\n");
        if (o.Time is { } t) sb.Append($"#SBATCH --time={t}\n");
        if (o.CpusPerTask is { } c) sb.Append($"#SBATCH --cpus-per-task={I(c)}\n");
        if (o.Mem is { } m) sb.Append($"#SBATCH --mem={m}\n");
    }

    /// <summary>Writes both scripts into <c>DIR/slurm/</c>; returns their paths. A resource value that is not one plain word is refused.</summary>
    public static (string Cells, string Aggregate) Write(Sweep sweep, SlurmOptions o)
    {
        foreach (var (flag, value) in new[] { ("--partition", o.Partition), ("--time", o.Time), ("--mem", o.Mem) })
            if (value is not null && (value.Length == 0 || !value.All(ch => char.IsAsciiLetterOrDigit(ch) || ":.,_-".Contains(ch))))
                throw new SweepException($"{flag} '{value}': letters, digits and : . , _ - only (e.g. --time 01:00:00, --mem 2G)");
        if (o.Natpolicy.Contains('\n')) throw new SweepException("--natpolicy: a path without line breaks");
        string dir = Path.Combine(sweep.Dir, Folder);
        string cells = Path.Combine(dir, CellsScript), aggregate = Path.Combine(dir, AggregateScript);
        RunFolder.WriteAtomic(cells, Cells(sweep, o));
        RunFolder.WriteAtomic(aggregate, Aggregate(sweep, o));
        return (cells, aggregate);
    }

    /// <summary>Submits the array and then the aggregation depending on it; returns both job ids.</summary>
    public static (string ArrayJob, string AggregateJob) Submit(string cellsScript, string aggregateScript)
    {
        string array = Sbatch(cellsScript);
        string aggregate = Sbatch("--dependency=afterok:" + array, "--kill-on-invalid-dep=yes", aggregateScript);
        return (array, aggregate);
    }

    /// <summary>Runs sbatch --parsable; the job id, or a <see cref="SweepException"/> with sbatch's message.</summary>
    private static string Sbatch(params string[] args)
    {
        var start = new ProcessStartInfo("sbatch") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--parsable");
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SweepException($"cannot run sbatch ({e.Message}); is Slurm installed here? (--dry-run writes the scripts without submitting)");
        }
        using (process)
        {
            var err = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new SweepException($"sbatch {string.Join(' ', args)} failed (exit {I(process.ExitCode)}): {err.Result.Trim().Split('\n')[0]}");
            // --parsable prints "jobid" or "jobid;cluster".
            return output.Trim().Split(';')[0];
        }
    }

    /// <summary>Single-quotes a word for bash.</summary>
    private static string Q(string s) => s.All(ch => char.IsAsciiLetterOrDigit(ch) || "/._-+=:,".Contains(ch)) ? s : "'" + s.Replace("'", "'\\''") + "'";

    private static string I(int x) => x.ToString(CultureInfo.InvariantCulture);
}
