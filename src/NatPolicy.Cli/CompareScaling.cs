using System.Diagnostics;
using System.Globalization;
using System.Text;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Performance;

namespace NatPolicy.Cli;

/// <summary>
/// One round of <c>natpolicy bench --compare</c>: what the cores gave just before (<see cref="Cores"/>, the
/// <see cref="ScalingCost.Speedup"/> of J CartPole npg trainers at once), and the wall-clock and CPU seconds (user +
/// system, null where the kernel does not report them) of <c>compare --jobs 1</c> and <c>compare --jobs J</c>.
/// </summary>
public readonly record struct CompareRound(double Cores, double Wall1, double? Cpu1, double WallJ, double? CpuJ)
{
    /// <summary>How much faster <c>--jobs J</c> was: wall(1) ÷ wall(J).</summary>
    public double Speedup => Wall1 / WallJ;

    /// <summary>
    /// Cores kept busy on average by <c>--jobs 1</c>: CPU(1) ÷ wall(1). Above 1 when the runtime works beside the one
    /// job (the JIT recompiling hot methods, the warm-up thread); J cores doing the same work can then be at most
    /// J ÷ this faster.
    /// </summary>
    public double? InUse1 => Cpu1 / Wall1;

    /// <summary>Cores kept busy on average by <c>--jobs J</c>: CPU(J) ÷ wall(J).</summary>
    public double? InUseJ => CpuJ / WallJ;
}

/// <summary>
/// <c>natpolicy bench --compare [--env ID] [--jobs J] [--rounds N]</c>: how much faster <c>compare --jobs J</c> is
/// than <c>compare --jobs 1</c> on the env's default comparison, measured as a user meets it: whole processes of this
/// tool, each writing a fresh comparison into a temporary folder (deleted at the end). On a shared machine the cores'
/// capacity changes from minute to minute, so each round first reads it (<see cref="TrainingBench.Scaling"/>: J
/// CartPole npg trainers at once against one alone, in this process, compiled first, no files), then runs the two
/// comparisons, in alternating order from round to round. CPU time is the kernel's account of waited-for children
/// (<c>/proc/self/stat</c>: cutime + cstime, in Linux's 1/100 s clock ticks). A child that fails stops the
/// measurement with its first line of stderr and exit code 1; the temporary folder is deleted either way.
/// </summary>
public static class CompareScaling
{
    /// <summary>Largest <c>--jobs</c> and <c>--rounds</c>.</summary>
    public const int MaxJobs = 64, MaxRounds = 100;

    /// <summary>The cores' reading: interleaved alone/together rounds of this many iterations (after 3 warm-up iterations).</summary>
    private const int CoresRounds = 3, CoresIterations = 10;

    /// <summary>Runs the rounds and writes one line per round, then the medians.</summary>
    public static int Run(string env, int jobs, int rounds, TextWriter stdout)
    {
        if (jobs is < 2 or > MaxJobs) throw new UsageException($"--jobs must be in 2..{MaxJobs} with --compare (got {jobs})");
        if (rounds is < 1 or > MaxRounds) throw new UsageException($"--rounds must be in 1..{MaxRounds} (got {rounds})");
        var (program, prefix) = Tool();
        var cores = TrainingBench.Select("cartpole-npg")[0];
        string root = Directory.CreateTempSubdirectory("natpolicy-bench-compare-").FullName;
        try
        {
            stdout.WriteLine($"compare --env {env}: --jobs {jobs} against --jobs 1, {rounds} round{(rounds == 1 ? "" : "s")} (whole natpolicy processes, output in {root})");
            stdout.WriteLine(Header(jobs));
            var results = new List<CompareRound>();
            for (int r = 0; r < rounds; r++)
            {
                double reading = TrainingBench.Scaling(cores, jobs, 3, CoresIterations, CoresRounds).Speedup;
                // Alternate the order so a drift of the machine's speed within a round favours neither side.
                (double Wall, double? Cpu) one, many;
                if (r % 2 == 0)
                {
                    one = Compare(program, prefix, env, 1, root);
                    many = Compare(program, prefix, env, jobs, root);
                }
                else
                {
                    many = Compare(program, prefix, env, jobs, root);
                    one = Compare(program, prefix, env, 1, root);
                }
                var round = new CompareRound(reading, one.Wall, one.Cpu, many.Wall, many.Cpu);
                results.Add(round);
                stdout.WriteLine(Line((r + 1).ToString(CultureInfo.InvariantCulture), round));
            }
            if (rounds > 1) stdout.WriteLine(MedianLine(results));
            stdout.WriteLine($"cores: what {jobs} cores gave just before, {jobs} CartPole npg trainers at once against one alone (in process, compiled first, no files); "
                + "in use: CPU seconds (user + system) per wall-clock second of the comparison");
            return 0;
        }
        catch (ChildFailedException e)
        {
            stdout.WriteLine(e.Message);
            return 1;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The column headings of <see cref="Line"/>.</summary>
    public static string Header(int jobs) =>
        $"{"round",-7}{"cores",8}{"jobs 1 s",10}{"in use",8}{$"jobs {jobs} s",10}{"in use",8}{"speed-up",10}";

    /// <summary>One round's row of the table.</summary>
    public static string Line(string label, CompareRound r) =>
        Row(label, r.Cores, r.Wall1, r.InUse1, r.WallJ, r.InUseJ, r.Speedup);

    /// <summary>
    /// The row of column-wise medians; the speed-up and the cores in use are the medians of the rounds' own ratios
    /// (not ratios of medians), and a column with a missing value has none.
    /// </summary>
    public static string MedianLine(IReadOnlyList<CompareRound> rounds)
    {
        static double Med(IEnumerable<double> x) => Statistics.Median(x.ToArray());
        static double? MedOrNull(IEnumerable<double?> x) => x.All(v => v.HasValue) ? Med(x.Select(v => v!.Value)) : null;
        return Row("median", Med(rounds.Select(r => r.Cores)), Med(rounds.Select(r => r.Wall1)), MedOrNull(rounds.Select(r => r.InUse1)),
            Med(rounds.Select(r => r.WallJ)), MedOrNull(rounds.Select(r => r.InUseJ)), Med(rounds.Select(r => r.Speedup)));
    }

    private static string Row(string label, double cores, double wall1, double? inUse1, double wallJ, double? inUseJ, double speedup) =>
        $"{label,-7}{Times(cores),8}{F2(wall1),10}{F2(inUse1),8}{F2(wallJ),10}{F2(inUseJ),8}{Times(speedup),10}";

    private static string Times(double x) => F2(x) + "×";

    private static string F2(double? x) => x is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>This tool: its app host, or <c>dotnet natpolicy.dll</c>.</summary>
    private static (string Program, string? Prefix) Tool()
    {
        string? path = Environment.ProcessPath;
        if (path is not null && Path.GetFileNameWithoutExtension(path) == "natpolicy") return (path, null);
        string? entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        if (path is not null && Path.GetFileNameWithoutExtension(path) == "dotnet" && entry is not null && Path.GetFileName(entry) == "natpolicy.dll")
            return (path, entry);
        throw new UsageException("--compare runs natpolicy compare as child processes, so it needs the natpolicy tool itself (natpolicy or dotnet natpolicy.dll)");
    }

    /// <summary>Runs <c>compare --env ID --jobs J</c> into a fresh folder under <paramref name="root"/>: (wall seconds, CPU seconds).</summary>
    private static (double Wall, double? Cpu) Compare(string program, string? prefix, string env, int jobs, string root)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (prefix is not null) start.ArgumentList.Add(prefix);
        foreach (var arg in new[] { "compare", "--env", env, "--jobs", jobs.ToString(CultureInfo.InvariantCulture), "--quiet", "--force",
                     "--out", Path.Combine(root, $"jobs{jobs}") })
            start.ArgumentList.Add(arg);
        double? cpu0 = ChildrenCpuSeconds();
        long t0 = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new ChildFailedException($"could not start {program}");
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        double? cpu1 = ChildrenCpuSeconds();
        if (process.ExitCode != 0)
            throw new ChildFailedException($"natpolicy compare --jobs {jobs} exited with code {process.ExitCode}: {FirstLine(stderr.Result)}");
        return (wall, cpu0 is { } a && cpu1 is { } b ? b - a : null);
    }

    /// <summary>A child comparison that could not start or failed: the run stops with this one line and exit code 1.</summary>
    private sealed class ChildFailedException(string message) : Exception(message);

    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd('\r');

    /// <summary>
    /// User + system seconds of this process's terminated, waited-for children (fields 16 and 17 of
    /// <c>/proc/self/stat</c>, in clock ticks of 1/100 s), or null where there is no such file.
    /// </summary>
    internal static double? ChildrenCpuSeconds()
    {
        const string stat = "/proc/self/stat";
        if (!File.Exists(stat)) return null;
        string text = File.ReadAllText(stat, Encoding.ASCII);
        // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[16 - 3], CultureInfo.InvariantCulture) + long.Parse(fields[17 - 3], CultureInfo.InvariantCulture)) / 100.0;
    }
}
