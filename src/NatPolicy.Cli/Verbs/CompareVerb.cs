using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NatPolicy.Agents.Training;
using NatPolicy.Envs;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Configuration;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Verbs;

/// <summary>
/// <c>natpolicy compare</c>: every (algo, seed) cell trained exactly as <c>train</c> would, in parallel across
/// cores, then the summary (csv, md) and the learning curves across seeds. Each cell is single-threaded and fully
/// seeded, so the files do not depend on <c>--jobs</c>.
/// </summary>
public static class CompareVerb
{
    /// <summary>The <c>compare</c> command.</summary>
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var env = Options.Text("--env", "ID", "Gymnasium env id (required).", allowed: ConfigOptions.Envs);
        var algos = Options.Text("--algos", "LIST", $"Comma-separated update rules, each one of {string.Join(", ", TrainConfig.Algos)}.", "vpg,npg,trpo");
        var seeds = Options.Int("--seeds", "K", "Seeds per algo.", 5, 1);
        var firstSeed = Options.Int("--first-seed", "S", "First seed (seeds S … S+K−1).", 0, 0, "must be ≥ 0");
        var cfg = new ConfigOptions();
        cfg.Delta.Description += " Applies to the npg and trpo cells only.";
        var outDir = Options.Text("--out", "DIR", "Comparison folder. [default: results/ENV__compare]");
        var jobs = Options.Int("--jobs", "J", "Cells trained in parallel. [default: the processor count]", null, 1);
        var threshold = Options.Double("--threshold", "R", "Return that counts as solved. [default: the env's reward threshold]");
        var force = Options.Switch("--force", "Replace a comparison already in the output folder.");
        var quiet = Options.Switch("--quiet", "No progress display or summary.");
        var command = new Command("compare", "Compare algorithms across seeds: every (algo, seed) cell trained as train would, then summary.csv/.md and learning curves.");
        foreach (var o in new Option[] { env, algos, seeds, firstSeed }) command.Options.Add(o);
        cfg.AddTo(command);
        foreach (var o in new Option[] { outDir, jobs, threshold, force, quiet }) command.Options.Add(o);
        command.SetAction(p => Run(p, stdout, cfg, p.GetValue(env), p.GetValue(algos)!, p.GetValue(seeds)!.Value, p.GetValue(firstSeed)!.Value,
            p.GetValue(outDir), p.GetValue(jobs) ?? Environment.ProcessorCount, p.GetValue(threshold), p.GetValue(force), p.GetValue(quiet)));
        return command;
    }

    private static int Run(ParseResult p, TextWriter stdout, ConfigOptions cfg, string? envFlag, string algoList, int seeds, int firstSeed,
        string? outFlag, int jobs, double? thresholdFlag, bool force, bool quiet)
    {
        string env = envFlag ?? throw new UsageException($"--env is required; valid ids: {string.Join(", ", EnvRegistry.Ids)}");
        ConfigResolver.CheckEnv(env);
        var algos = algoList.Split(',', StringSplitOptions.TrimEntries);
        foreach (var algo in algos)
            if (!TrainConfig.Algos.Contains(algo))
                throw new UsageException($"--algos: unknown algo '{algo}'; allowed: {string.Join(", ", TrainConfig.Algos)}");
        if (algos.Distinct().Count() != algos.Length) throw new UsageException("--algos: an algo is listed twice");
        string outDir = outFlag ?? Path.Combine("results", $"{env}__compare");
        double? threshold = thresholdFlag ?? EnvRegistry.Spec(env).RewardThreshold;

        // Resolve every cell's config (the library resolver, as train does) before any work, so bad input fails fast and nothing is written.
        var cells = new List<(string Algo, int Seed, TrainConfig Config, string Dir)>();
        foreach (var algo in algos)
            for (int s = firstSeed; s < firstSeed + seeds; s++)
            {
                var config = cfg.Resolve(p, env, algo, [("seed", s.ToString(CultureInfo.InvariantCulture))], deltaOnlyWhereItApplies: true);
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
