using System.Diagnostics;
using System.Text.RegularExpressions;
using NatPolicy.Experiments.Sweeps;

namespace NatPolicy.Cli.Tests.Sweeps;

/// <summary>
/// A fact that needs a Slurm it can start (scripts/slurm/start.sh): root and Debian's slurmctld, slurmd,
/// slurm-client and munge. Under CI (<c>CI</c> or <c>NATPOLICY_CI</c> set; .ci/run installs the packages) it always
/// runs, so a Slurm that cannot be started fails it; elsewhere it is skipped when not root or the packages are missing.
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (SlurmCluster.UnderCi) return;
        if (Environment.UserName != "root") Skip = "needs root to start a one-node Slurm (runs under CI)";
        else if (!File.Exists("/usr/sbin/slurmctld") || !File.Exists("/usr/bin/sbatch"))
            Skip = "Slurm is not installed: apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge";
    }
}

/// <summary>Starts the one-node cluster with the project's script and stops exactly what that started.</summary>
internal sealed class SlurmCluster : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("natpolicy-slurm-state-").FullName;

    public static bool UnderCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NATPOLICY_CI"));

    public SlurmCluster()
    {
        var (code, output, err) = Script("start.sh", TimeSpan.FromSeconds(90));
        Assert.True(code == 0, $"scripts/slurm/start.sh failed ({code}): {output} {err}");
    }

    private (int Code, string Out, string Err) Script(string name, TimeSpan limit)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "slurm", name));
        start.Environment["NATPOLICY_SLURM_STATE"] = _state;
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(limit)) p.Kill(entireProcessTree: true);
        return (p.HasExited ? p.ExitCode : -1, output, err.Result);
    }

    /// <summary>Waits until none of <paramref name="jobs"/> is queued or running.</summary>
    public static void WaitFor(TimeSpan limit, params string[] jobs)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            var (code, output, _) = ChildProcess.Run("timeout", "/", TimeSpan.FromSeconds(10), "5", "squeue", "-h", "-j", string.Join(',', jobs), "-o", "%i %T");
            if (code == 0 && output.Trim().Length == 0) return;
            Thread.Sleep(500);
        }
        Assert.Fail($"Slurm jobs {string.Join(',', jobs)} still queued after {limit}");
    }

    public void Dispose()
    {
        Script("stop.sh", TimeSpan.FromSeconds(30));
        Directory.Delete(_state, recursive: true);
    }
}

/// <summary>A 2 envs × 2 algos × 2 seeds sweep through sbatch aggregates to the local run's files.</summary>
[Trait("Category", "Slurm")]
public sealed class SlurmSweepTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-slurm-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [SlurmFact]
    public void SlurmAggregateEqualsTheLocalOne()
    {
        Assert.True(File.Exists(Built.Tool), $"{Built.Tool} is not built");
        string spec = Path.Combine(_root, "spec.yaml");
        File.WriteAllText(spec, """
            envs: [CartPole-v1, Pendulum-v1]
            algos: [vpg, npg]
            seeds: 2
            steps: 1600
            set: {steps_per_iteration: 400}
            eval_episodes: 3
            """);
        string local = Path.Combine(_root, "local"), slurm = Path.Combine(_root, "slurm");
        Assert.Equal(0, InProcess.Natpolicy("sweep", spec, "--out", local, "--jobs", "2", "--quiet").Code);

        using var cluster = new SlurmCluster();
        var (code, output, err) = InProcess.Natpolicy("sweep", spec, "--out", slurm, "--slurm", "--natpolicy", Built.Tool);
        Assert.True(code == 0, err);
        var ids = Regex.Match(output, @"job array (\d+) .* aggregation job (\d+)");
        Assert.True(ids.Success, output);
        SlurmCluster.WaitFor(TimeSpan.FromMinutes(2), ids.Groups[1].Value, ids.Groups[2].Value);

        string aggregateLog = Path.Combine(slurm, "slurm", "aggregate.out");
        Assert.True(File.Exists(Path.Combine(slurm, SweepSummary.CsvFile)),
            $"the aggregation job wrote no summary; status: {InProcess.Natpolicy("sweep", "status", slurm).Out} log: {(File.Exists(aggregateLog) ? File.ReadAllText(aggregateLog) : "none")}");
        Assert.StartsWith("8 cells: 8 done", InProcess.Natpolicy("sweep", "status", slurm).Out);
        SweepFiles.AssertSame(local, slurm);
    }
}
