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
/// <c>natpolicy compare</c>: parses the flags, resolves every (algo, seed) cell's config through the library resolver
/// as <c>train</c> does, and hands them to <see cref="Comparison"/> (folder, parallel cells, resume, final
/// evaluation, summary); then draws the figures. Each cell is single-threaded and fully seeded, so the files do not
/// depend on <c>--jobs</c>.
/// </summary>
public static class CompareVerb
{
    /// <summary>The <c>compare</c> command.</summary>
    public static Command Build(TextWriter stdout)
    {
        var env = Options.Text("--env", "ID", "Gymnasium env id (required unless --resume).", allowed: ConfigOptions.Envs);
        var algos = AlgosOption();
        var seeds = SeedsOption(5);
        var firstSeed = FirstSeedOption();
        var cfg = new ConfigOptions();
        Options.Redescribe(cfg.Steps, "Environment steps for every algo (total_steps). [default: the env's npg budget, see --print-config of train]");
        Options.WithHelpSuffix(cfg.Delta, () => "Applies to the npg and trpo cells only.");
        var stepsFor = Options.Text("--steps-for", "ALGO=N,...", "Give some algos their own budget (e.g. vpg=300000); the budgets are then printed in summary.md and on the figure.");
        var outDir = Options.Text("--out", "DIR", "Comparison folder. [default: results/ENV__compare]");
        var jobs = JobsOption();
        var threshold = Options.Double("--threshold", "R", "Return that counts as solved. [default: the env's reward threshold]");
        var evalEpisodes = EvalEpisodesOption();
        var resume = Options.Text("--resume", "DIR", "Finish the comparison in DIR as its comparison.json records it (partial cells from their checkpoints) and rebuild its summary; takes no other run flags.");
        var force = Options.Switch("--force", "Replace the whole output folder (only a folder holding a comparison, run or benchmark).");
        var quiet = Options.Switch("--quiet", "No progress display or summary.");
        var noPlots = NoPlotsOption("each cell's learning_curve.png/.svg (the comparison's learning_curves.png/.svg is still drawn)");
        var command = new Command("compare", "Compare algorithms across seeds: every (algo, seed) cell trained as train would, each final policy evaluated deterministically, then summary.csv/.md, cells.csv and learning curves.");
        foreach (var o in new Option[] { env, algos, seeds, firstSeed }) command.Options.Add(o);
        cfg.AddTo(command);
        foreach (var o in new Option[] { stepsFor, outDir, jobs, threshold, evalEpisodes, resume, force, quiet, noPlots }) command.Options.Add(o);
        command.SetAction(p =>
        {
            var clock = Stopwatch.StartNew();
            Comparison comparison;
            RunFolderLock? hold = null;
            using var owner = new Releaser(() => hold?.Dispose());
            if (p.GetValue(resume) is { } resumeDir)
            {
                foreach (var o in new Option[] { env, algos, seeds, firstSeed, cfg.Config, cfg.Set, cfg.Steps, cfg.Batch, cfg.Delta, stepsFor, outDir, threshold, evalEpisodes, force })
                    if (p.Given(o)) throw new UsageException($"--resume finishes the comparison as comparison.json records it; {o.Name} cannot be combined with it");
                OutputPath.Check("--resume", resumeDir, folder: true);
                if (!Directory.Exists(resumeDir)) throw new UsageException($"--resume {resumeDir}: folder does not exist, so there is no comparison to finish");
                hold = RunFolderLock.Acquire(resumeDir, create: false);
                comparison = Comparison.Open(resumeDir);
            }
            else
            {
                string id = p.GetValue(env) ?? throw new UsageException($"--env is required; valid ids: {string.Join(", ", EnvRegistry.Ids)}");
                ConfigResolver.CheckEnv(id);
                var algoList = Algos(p.GetValue(algos)!, "--algos");
                var seedList = Seeds(p.GetValue(seeds)!.Value, p.GetValue(firstSeed) ?? 0);
                var budgets = StepsFor(p.GetValue(stepsFor), algoList);
                string dir = p.GetValue(outDir) ?? Path.Combine("results", $"{id}__compare");
                double? limit = p.GetValue(threshold) ?? EnvRegistry.Spec(id).RewardThreshold;
                // Every cell's config is resolved before any work, so bad input fails fast and nothing is written.
                var configs = Comparison.PlanCells(algoList, seedList,
                    (algo, seed) => cfg.Resolve(p, id, algo, [("seed", seed.ToString(CultureInfo.InvariantCulture))], deltaOnlyWhereItApplies: true), budgets);
                OutputPath.Check("--out", dir, folder: true);
                foreach (var c in configs) RunComponents.Check(c);
                hold = RunFolderLock.Acquire(dir);
                comparison = Comparison.Create(dir, limit, configs, Evaluation(p.GetValue(evalEpisodes)!.Value), p.GetValue(force));
            }
            return RunAndSummarise(comparison, p.GetValue(jobs) ?? Environment.ProcessorCount, p.GetValue(quiet), !p.GetValue(noPlots), stdout, clock);
        });
        return command;
    }

    private static int RunAndSummarise(Comparison comparison, int jobs, bool quiet, bool cellPlots, TextWriter stdout, Stopwatch clock)
    {
        var cells = comparison.Manifest.Cells;
        var progress = CompareProgress.Create(stdout, cells.Select(c => c.Label).ToArray(), cells.Select(c => c.TotalSteps).ToArray(), quiet);
        progress.Run(report =>
        {
            comparison.Run(jobs, (k, row) =>
            {
                if (row is null && cellPlots) Figures.SaveLearningCurve(comparison.CellFolder(cells[k]));
                report(k, row);
            });
        });

        var summary = ComparisonSummary.Write(comparison);
        Figures.SaveComparison(comparison.Dir, summary);
        if (!quiet)
        {
            stdout.WriteLine();
            stdout.Write(File.ReadAllText(Path.Combine(comparison.Dir, ComparisonSummary.MarkdownFile)));
            stdout.WriteLine();
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{cells.Count} runs with {jobs} jobs in {clock.Elapsed.TotalSeconds:F1} s; wrote {comparison.Dir}: summary.csv, cells.csv, summary.md, learning_curves.png/.svg, <algo>/s<seed>/"));
        }
        return 0;
    }

    internal static Option<string> AlgosOption() =>
        Options.Text("--algos", "LIST", $"Comma-separated update rules, each one of {string.Join(", ", TrainConfig.Algos)}.", "vpg,npg,trpo");

    internal static Option<int?> SeedsOption(int defaultCount) => Options.Int("--seeds", "K", "Seeds per algo.", defaultCount, 1);

    internal static Option<long?> FirstSeedOption() => Options.Long("--first-seed", "S", "First seed (seeds S … S+K−1). [default: 0]", 0, "must be ≥ 0");

    internal static Option<int?> JobsOption() => Options.Int("--jobs", "J", "Cells trained in parallel. [default: the processor count]", null, 1);

    /// <summary>
    /// --no-plots: skip the per-run learning-curve figures (about 0.1 s of rendering each); named after
    /// rl-baselines3-zoo's --no-optim-plots. <c>natpolicy plot DIR</c> draws them later from the files.
    /// </summary>
    internal static Option<bool> NoPlotsOption(string what) =>
        Options.Switch("--no-plots", $"Do not draw {what}; `natpolicy plot` draws it later from the files.");

    internal static Option<int?> EvalEpisodesOption() =>
        Options.Int("--eval-episodes", "E", "Episodes of the final deterministic evaluation of every cell.", EvaluationSettings.Final.Episodes, 1);

    /// <summary>A comma-separated list of distinct known algos.</summary>
    internal static string[] Algos(string list, string flag)
    {
        var algos = list.Split(',', StringSplitOptions.TrimEntries);
        foreach (var algo in algos)
            if (!TrainConfig.Algos.Contains(algo))
                throw new UsageException($"{flag}: unknown algo '{algo}'; allowed: {string.Join(", ", TrainConfig.Algos)}");
        if (algos.Distinct().Count() != algos.Length) throw new UsageException($"{flag}: an algo is listed twice");
        return algos;
    }

    /// <summary>Runs an action when disposed (releases a lock taken later in the same scope).</summary>
    internal sealed class Releaser(Action release) : IDisposable
    {
        public void Dispose() => release();
    }

    /// <summary>Largest --seeds: more cells than any machine trains.</summary>
    internal const int MaxSeeds = 10_000;

    /// <summary>--seeds K from --first-seed S: S, S+1, …, S+K−1 (refused when S+K−1 passes 2⁶⁴−1).</summary>
    internal static ulong[] Seeds(int count, long first)
    {
        if (count > MaxSeeds) throw new UsageException($"--seeds must be at most {MaxSeeds} (got {count})");
        if ((ulong)first > ulong.MaxValue - (ulong)(count - 1))
            throw new UsageException($"--first-seed {first} with --seeds {count} passes the largest seed 2^64-1");
        return Enumerable.Range(0, count).Select(k => (ulong)first + (ulong)k).ToArray();
    }

    /// <summary>--eval-episodes E: the final deterministic evaluation of every cell.</summary>
    internal static EvaluationSettings Evaluation(int episodes) => EvaluationSettings.Final with { Episodes = episodes };

    /// <summary>--steps-for vpg=300000,trpo=50000: an explicit budget for some algos.</summary>
    private static Dictionary<string, long> StepsFor(string? text, IReadOnlyList<string> algos)
    {
        var budgets = new Dictionary<string, long>(StringComparer.Ordinal);
        if (text is null) return budgets;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2 || !long.TryParse(kv[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long steps) || steps <= 0)
                throw new UsageException($"--steps-for: '{part}' is not ALGO=STEPS with a positive integer STEPS (e.g. --steps-for vpg=300000)");
            if (!algos.Contains(kv[0]))
                throw new UsageException($"--steps-for: '{kv[0]}' is not one of the compared algos ({string.Join(", ", algos)})");
            if (!budgets.TryAdd(kv[0], steps)) throw new UsageException($"--steps-for: {kv[0]} is given twice");
        }
        return budgets;
    }
}
