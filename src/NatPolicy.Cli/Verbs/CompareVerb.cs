using System.Diagnostics;
using System.Globalization;
using NatPolicy.Agents.Training;
using NatPolicy.Envs;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Verbs;

/// <summary>
/// <c>natpolicy compare</c>: every (algo, seed) cell trained exactly as <c>train</c> would, in parallel across
/// cores, then the summary (csv, md) and the learning curves across seeds. Each cell is single-threaded and fully
/// seeded, so the files do not depend on <c>--jobs</c>.
/// </summary>
public static class CompareVerb
{
    public const string Usage =
        "compare --env ID [--algos vpg,npg,trpo] [--seeds K] [--first-seed S] [--steps N] [--config FILE.json] [--out DIR] [--jobs J] [--threshold R] [--delta D] [--batch B] [--force] [--quiet]";

    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr)
    {
        var a = new Args("compare", argv, ["env", "algos", "seeds", "first-seed", "steps", "config", "out", "jobs", "delta", "batch", "threshold"], ["force", "quiet", "help"]);
        if (a.Has("help"))
        {
            stdout.WriteLine("usage: natpolicy " + Usage);
            return 0;
        }
        a.RequirePositional(0, 0, "only --flags");
        string env = a.String("env") ?? throw new UsageException($"--env is required; valid ids: {string.Join(", ", EnvRegistry.Ids)}");
        ConfigResolver.CheckEnv(env);
        var algos = (a.String("algos") ?? "vpg,npg,trpo").Split(',', StringSplitOptions.TrimEntries);
        foreach (var algo in algos)
            if (!TrainConfig.Algos.Contains(algo))
                throw new UsageException($"--algos: unknown algo '{algo}'; allowed: {string.Join(", ", TrainConfig.Algos)}");
        if (algos.Distinct().Count() != algos.Length) throw new UsageException("--algos: an algo is listed twice");
        int seeds = a.Int("seeds") ?? 5;
        if (seeds < 1) throw new UsageException($"--seeds must be at least 1 (got {seeds})");
        int firstSeed = a.Int("first-seed") ?? 0;
        if (firstSeed < 0) throw new UsageException($"--first-seed must be ≥ 0 (got {firstSeed})");
        int jobs = a.Int("jobs") ?? Environment.ProcessorCount;
        if (jobs < 1) throw new UsageException($"--jobs must be at least 1 (got {jobs})");
        string outDir = a.String("out") ?? Path.Combine("results", $"{env}__compare");
        double? threshold = a.Double("threshold") ?? EnvRegistry.Spec(env).RewardThreshold;
        bool force = a.Has("force");
        bool quiet = a.Has("quiet");

        // Resolve every cell's config before any work, so bad input fails fast and nothing is written.
        var cells = new List<(string Algo, int Seed, TrainConfig Config, string Dir)>();
        foreach (var algo in algos)
            for (int s = firstSeed; s < firstSeed + seeds; s++)
            {
                var config = TrainVerb.Resolve(CellArgs(a, env, algo, s));
                cells.Add((algo, s, config, Path.Combine(outDir, algo, $"s{s.ToString(CultureInfo.InvariantCulture)}")));
            }
        if (!force)
        {
            if (File.Exists(Path.Combine(outDir, "summary.csv")) || cells.Any(c => new RunFolder(c.Dir).HoldsRun))
                throw new UsageException($"output folder {outDir} already holds a comparison; use --force to replace it");
        }

        Directory.CreateDirectory(outDir);
        new ComparisonInfo(env, algos, threshold).Write(outDir);
        var clock = Stopwatch.StartNew();
        var progress = CompareProgress.Create(stdout, cells.Select(c => $"{c.Algo} s{c.Seed}").ToArray(),
            cells.Select(c => c.Config.TotalSteps).ToArray(), quiet);
        progress.Run(report =>
        {
            // Longest cells first, handed out one at a time, so the last job to finish is a short one.
            var order = Enumerable.Range(0, cells.Count).OrderByDescending(k => cells[k].Config.TotalSteps).ThenBy(k => k).ToArray();
            var queue = System.Collections.Concurrent.Partitioner.Create(order, System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering);
            Parallel.ForEach(queue, new ParallelOptions { MaxDegreeOfParallelism = jobs }, k =>
            {
                var c = cells[k];
                var run = TrainVerb.Open(c.Dir, c.Config, force ? FolderMode.Force : FolderMode.New);
                run.Run(row => report(k, row));
                Figures.SaveLearningCurve(c.Dir);
                report(k, null);
            });
        });

        Summarise(outDir);
        Figures.SaveComparison(outDir);
        if (!quiet)
        {
            stdout.WriteLine();
            stdout.Write(File.ReadAllText(Path.Combine(outDir, "summary.md")));
            stdout.WriteLine();
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{cells.Count} runs with {jobs} jobs in {clock.Elapsed.TotalSeconds:F1} s; wrote {Path.GetFullPath(outDir)}: summary.csv, summary.md, learning_curves.png/.svg, <algo>/s<seed>/"));
        }
        return 0;
    }

    private static Args CellArgs(Args a, string env, string algo, int seed)
    {
        var list = new List<string> { "--env", env, "--algo", algo, "--seed", seed.ToString(CultureInfo.InvariantCulture) };
        foreach (var f in new[] { "steps", "config", "delta", "batch" })
            if (a.String(f) is { } v) { list.Add("--" + f); list.Add(v); }
        return new Args("compare", list, ["env", "algo", "seed", "steps", "config", "delta", "batch"]);
    }

    /// <summary>Reads comparison.json and the per-seed progress files under <paramref name="dir"/>; writes summary.csv and summary.md.</summary>
    public static IReadOnlyList<AlgoSummary> Summarise(string dir)
    {
        var info = ComparisonInfo.Read(dir);
        var rows = info.Algos.Select(algo => AlgoSummary.Compute(algo, ComparisonFolder.Seeds(dir, algo), info.Threshold)).ToArray();
        RunFolder.WriteAtomic(Path.Combine(dir, "summary.csv"), SummaryFiles.Csv(rows));
        RunFolder.WriteAtomic(Path.Combine(dir, "summary.md"), SummaryFiles.Markdown(info.EnvId, info.Threshold, rows));
        return rows;
    }
}
