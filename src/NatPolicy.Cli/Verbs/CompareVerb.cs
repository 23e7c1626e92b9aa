using System.Diagnostics;
using System.Globalization;
using NatPolicy.Agents.Training;
using NatPolicy.Envs;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Verbs;

/// <summary>
/// <c>natpolicy compare</c>: parses the flags, resolves every (algo, seed) cell's config as <c>train</c> would, and
/// hands them to <see cref="Comparison"/> (folder, parallel cells, resume, final evaluation, summary); then draws
/// the figures.
/// </summary>
public static class CompareVerb
{
    public const string Usage =
        "compare --env ID [--algos vpg,npg,trpo] [--seeds K] [--first-seed S] [--steps N] [--steps-for ALGO=N[,ALGO=N]] [--config FILE.json] [--out DIR] [--jobs J] [--threshold R] [--delta D] [--batch B] [--eval-episodes E] [--force] [--quiet] | compare --resume DIR [--jobs J] [--quiet]";

    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr)
    {
        var a = new Args("compare", argv, ["env", "algos", "seeds", "first-seed", "steps", "steps-for", "config", "out", "jobs", "delta", "batch", "threshold", "eval-episodes", "resume"], ["force", "quiet", "help"]);
        if (a.Has("help"))
        {
            stdout.WriteLine("usage: natpolicy " + Usage);
            stdout.WriteLine("  every algo trains for the same budget (--steps, or the env's npg default) unless --steps-for gives an algo its own;");
            stdout.WriteLine("  --force replaces the whole output folder; --resume DIR finishes an interrupted comparison and rebuilds its summary");
            return 0;
        }
        a.RequirePositional(0, 0, "only --flags");
        int jobs = Jobs(a);
        bool quiet = a.Has("quiet");
        var clock = Stopwatch.StartNew();

        Comparison comparison;
        if (a.String("resume") is { } resumeDir)
        {
            foreach (var f in new[] { "env", "algos", "seeds", "first-seed", "steps", "steps-for", "config", "out", "delta", "batch", "threshold", "eval-episodes", "force" })
                if (a.Has(f)) throw new UsageException($"--resume finishes the comparison as comparison.json records it; --{f} cannot be combined with it");
            comparison = Library(() => Comparison.Open(resumeDir));
        }
        else
        {
            string env = a.String("env") ?? throw new UsageException($"--env is required; valid ids: {string.Join(", ", EnvRegistry.Ids)}");
            ConfigResolver.CheckEnv(env);
            var algos = Algos(a.String("algos") ?? "vpg,npg,trpo", "--algos");
            var seeds = Seeds(a, 5);
            var stepsFor = StepsFor(a.String("steps-for"), algos);
            string outDir = a.String("out") ?? Path.Combine("results", $"{env}__compare");
            double? threshold = a.Double("threshold") ?? EnvRegistry.Spec(env).RewardThreshold;
            var configs = Comparison.PlanCells(algos, seeds, (algo, seed) => TrainVerb.Resolve(CellArgs(a, env, algo, seed)), stepsFor);
            comparison = Library(() => Comparison.Create(outDir, threshold, configs, Evaluation(a), a.Has("force")));
        }

        var cells = comparison.Manifest.Cells;
        var progress = CompareProgress.Create(stdout, cells.Select(c => c.Label).ToArray(), cells.Select(c => c.TotalSteps).ToArray(), quiet);
        progress.Run(report => Library(() =>
        {
            comparison.Run(jobs, (k, row) =>
            {
                if (row is null) Figures.SaveLearningCurve(comparison.CellFolder(cells[k]));
                report(k, row);
            });
            return 0;
        }));

        var summary = Library(() => ComparisonSummary.Write(comparison));
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

    internal static int Jobs(Args a)
    {
        int jobs = a.Int("jobs") ?? Environment.ProcessorCount;
        if (jobs < 1) throw new UsageException($"--jobs must be at least 1 (got {jobs})");
        return jobs;
    }

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

    /// <summary>--seeds K from --first-seed S: S, S+1, …, S+K−1.</summary>
    internal static ulong[] Seeds(Args a, int defaultCount)
    {
        int seeds = a.Int("seeds") ?? defaultCount;
        if (seeds < 1) throw new UsageException($"--seeds must be at least 1 (got {seeds})");
        long firstSeed = a.Long("first-seed") ?? 0;
        if (firstSeed < 0) throw new UsageException($"--first-seed must be ≥ 0 (got {firstSeed})");
        return Enumerable.Range(0, seeds).Select(k => (ulong)firstSeed + (ulong)k).ToArray();
    }

    /// <summary>--eval-episodes E: the final deterministic evaluation of every cell (default 100).</summary>
    internal static EvaluationSettings Evaluation(Args a)
    {
        int episodes = a.Int("eval-episodes") ?? EvaluationSettings.Final.Episodes;
        if (episodes < 1) throw new UsageException($"--eval-episodes must be at least 1 (got {episodes})");
        return EvaluationSettings.Final with { Episodes = episodes };
    }

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

    private static Args CellArgs(Args a, string env, string algo, ulong seed)
    {
        var list = new List<string> { "--env", env, "--algo", algo, "--seed", seed.ToString(CultureInfo.InvariantCulture) };
        foreach (var f in new[] { "steps", "config", "delta", "batch" })
            if (a.String(f) is { } v) { list.Add("--" + f); list.Add(v); }
        return new Args("compare", list, ["env", "algo", "seed", "steps", "config", "delta", "batch"]);
    }

    /// <summary>Runs a library call, turning its one-line refusals into usage errors (exit 2).</summary>
    internal static T Library<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is ComparisonException or RunException or FormatException or ConfigException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException(e.Message);
        }
    }
}
