using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Configuration;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Verbs;

/// <summary>
/// <c>natpolicy benchmark</c>: the classic-control suite at rl-baselines3-zoo's TRPO budgets, one comparison per env
/// (see <see cref="Benchmark"/>), then <c>benchmark.md</c>/<c>.csv</c> beside the zoo's published TRPO figures.
/// </summary>
public static class BenchmarkVerb
{
    /// <summary>The <c>benchmark</c> command.</summary>
    public static Command Build(TextWriter stdout)
    {
        string all = string.Join(',', ZooTrpoFigure.ClassicControl.Select(f => f.EnvId));
        var envs = Options.Text("--envs", "ID,...", "Comma-separated env ids, each with a zoo TRPO budget.", all);
        var algos = CompareVerb.AlgosOption();
        var seeds = CompareVerb.SeedsOption(3);
        var firstSeed = CompareVerb.FirstSeedOption();
        var jobs = CompareVerb.JobsOption();
        var outDir = Options.Text("--out", "DIR", "Benchmark folder (one comparison per env inside).", Path.Combine("results", "benchmark"));
        var evalEpisodes = CompareVerb.EvalEpisodesOption();
        var resume = Options.Text("--resume", "DIR", "Finish the benchmark in DIR as its benchmark.json records it; takes no other run flags.");
        var force = Options.Switch("--force", "Replace the whole output folder (only a folder holding a benchmark, comparison or run).");
        var quiet = Options.Switch("--quiet", "No progress display or table.");
        var noPlots = CompareVerb.NoPlotsOption("each cell's learning_curve.png/.svg (each comparison's learning_curves.png/.svg is still drawn)");
        var command = new Command("benchmark", "The classic-control suite at rl-baselines3-zoo's TRPO budgets (defaults of every algo), one comparison per env, and benchmark.md beside the zoo's published TRPO figures.");
        foreach (var o in new Option[] { envs, algos, seeds, firstSeed, jobs, outDir, evalEpisodes, resume, force, quiet, noPlots }) command.Options.Add(o);
        command.SetAction(p =>
        {
            var clock = Stopwatch.StartNew();
            Benchmark benchmark;
            RunFolderLock? hold = null;
            using var owner = new CompareVerb.Releaser(() => hold?.Dispose());
            if (p.GetValue(resume) is { } resumeDir)
            {
                OutputPath.Check("--resume", resumeDir, folder: true);
                foreach (var o in new Option[] { envs, algos, seeds, firstSeed, outDir, evalEpisodes, force })
                    if (p.Given(o)) throw new UsageException($"--resume finishes the benchmark as benchmark.json records it; {o.Name} cannot be combined with it");
                hold = RunFolderLock.Acquire(resumeDir, create: false);
                benchmark = Benchmark.Open(resumeDir);
            }
            else
            {
                OutputPath.Check("--out", p.GetValue(outDir), folder: true);
                var envList = p.GetValue(envs)!.Split(',', StringSplitOptions.TrimEntries);
                foreach (var env in envList) ConfigResolver.CheckEnv(env);
                if (envList.Distinct().Count() != envList.Length) throw new UsageException("--envs: an env is listed twice");
                var algoList = CompareVerb.Algos(p.GetValue(algos)!, "--algos");
                var seedList = CompareVerb.Seeds(p.GetValue(seeds)!.Value, p.GetValue(firstSeed) ?? 0);
                hold = RunFolderLock.Acquire(p.GetValue(outDir)!);
                benchmark = Benchmark.Create(p.GetValue(outDir)!, envList, algoList, seedList,
                    (env, algo, seed) => ConfigResolver.Resolve(env, algo, null, null, [("seed", seed.ToString(CultureInfo.InvariantCulture))]),
                    CompareVerb.Evaluation(p.GetValue(evalEpisodes)!.Value), p.GetValue(force));
            }
            return RunAndSummarise(benchmark, p.GetValue(jobs) ?? Environment.ProcessorCount, p.GetValue(quiet), !p.GetValue(noPlots), stdout, clock);
        });
        return command;
    }

    private static int RunAndSummarise(Benchmark benchmark, int jobs, bool quiet, bool cellPlots, TextWriter stdout, Stopwatch clock)
    {
        var all = benchmark.Comparisons.SelectMany(c => c.Manifest.Cells.Select(cell => (Comparison: c, Cell: cell))).ToArray();
        var index = all.Select((x, i) => (x, i)).ToDictionary(p => (p.x.Comparison, p.x.Cell), p => p.i);
        var progress = CompareProgress.Create(stdout, all.Select(x => $"{x.Comparison.Manifest.EnvId} {x.Cell.Label}").ToArray(),
            all.Select(x => x.Cell.TotalSteps).ToArray(), quiet);
        progress.Run(report =>
        {
            benchmark.Run(jobs, (c, k, row) =>
            {
                var cell = c.Manifest.Cells[k];
                if (row is null && cellPlots) Figures.SaveLearningCurve(c.CellFolder(cell));
                report(index[(c, cell)], row);
            });
        });

        var summaries = benchmark.Summarise();
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
