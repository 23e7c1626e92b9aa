using System.Diagnostics;
using System.Globalization;
using NatPolicy.Experiments.Compare;

namespace NatPolicy.Cli.Verbs;

/// <summary>
/// <c>natpolicy benchmark</c>: the classic-control suite at rl-baselines3-zoo's TRPO budgets, one comparison per env
/// (see <see cref="Benchmark"/>), then <c>benchmark.md</c>/<c>.csv</c> beside the zoo's published TRPO figures.
/// </summary>
public static class BenchmarkVerb
{
    public const string Usage =
        "benchmark [--envs ID,ID,...] [--seeds K] [--first-seed S] [--algos vpg,npg,trpo] [--jobs J] [--out DIR] [--eval-episodes E] [--force] [--quiet] | benchmark --resume DIR [--jobs J] [--quiet]";

    public const string Summary = "classic-control suite at the zoo's budgets beside its TRPO figures: natpolicy " + Usage;

    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr)
    {
        var a = new Args("benchmark", argv, ["envs", "seeds", "first-seed", "algos", "jobs", "out", "eval-episodes", "resume"], ["force", "quiet", "help"]);
        if (a.Has("help"))
        {
            stdout.WriteLine("usage: natpolicy " + Usage);
            stdout.WriteLine("  default: the five classic-control envs, 3 seeds, vpg,npg,trpo, into results/benchmark/");
            return 0;
        }
        a.RequirePositional(0, 0, "only --flags");
        int jobs = CompareVerb.Jobs(a);
        bool quiet = a.Has("quiet");
        var clock = Stopwatch.StartNew();

        Benchmark benchmark;
        if (a.String("resume") is { } resumeDir)
        {
            foreach (var f in new[] { "envs", "seeds", "first-seed", "algos", "out", "eval-episodes", "force" })
                if (a.Has(f)) throw new UsageException($"--resume finishes the benchmark as benchmark.json records it; --{f} cannot be combined with it");
            benchmark = CompareVerb.Library(() => Benchmark.Open(resumeDir));
        }
        else
        {
            var envs = (a.String("envs") ?? string.Join(',', ZooTrpoFigure.ClassicControl.Select(f => f.EnvId))).Split(',', StringSplitOptions.TrimEntries);
            foreach (var env in envs) ConfigResolver.CheckEnv(env);
            if (envs.Distinct().Count() != envs.Length) throw new UsageException("--envs: an env is listed twice");
            var algos = CompareVerb.Algos(a.String("algos") ?? "vpg,npg,trpo", "--algos");
            var seeds = CompareVerb.Seeds(a, 3);
            string outDir = a.String("out") ?? Path.Combine("results", "benchmark");
            benchmark = CompareVerb.Library(() => Benchmark.Create(outDir, envs, algos, seeds,
                (env, algo, seed) => ConfigResolver.Resolve(env, algo, null, null, c => c with { Seed = seed }),
                CompareVerb.Evaluation(a), a.Has("force")));
        }

        var all = benchmark.Comparisons.SelectMany(c => c.Manifest.Cells.Select(cell => (Comparison: c, Cell: cell))).ToArray();
        var index = all.Select((x, i) => (x, i)).ToDictionary(p => (p.x.Comparison, p.x.Cell), p => p.i);
        var progress = CompareProgress.Create(stdout, all.Select(x => $"{x.Comparison.Manifest.EnvId} {x.Cell.Label}").ToArray(),
            all.Select(x => x.Cell.TotalSteps).ToArray(), quiet);
        progress.Run(report => CompareVerb.Library(() =>
        {
            benchmark.Run(jobs, (c, k, row) =>
            {
                var cell = c.Manifest.Cells[k];
                if (row is null) Figures.SaveLearningCurve(c.CellFolder(cell));
                report(index[(c, cell)], row);
            });
            return 0;
        }));

        var summaries = CompareVerb.Library(benchmark.Summarise);
        for (int i = 0; i < summaries.Count; i++) Figures.SaveComparison(benchmark.Comparisons[i].Dir, summaries[i]);
        if (!quiet)
        {
            stdout.WriteLine();
            stdout.Write(File.ReadAllText(Path.Combine(benchmark.Dir, Benchmark.MarkdownFile)));
            stdout.WriteLine();
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{all.Length} runs with {jobs} jobs in {clock.Elapsed.TotalSeconds:F1} s; wrote {benchmark.Dir}: benchmark.md, benchmark.csv, <env>/ (one comparison each)"));
        }
        return 0;
    }
}
