using System.Globalization;
using System.Text;
using static NatPolicy.Experiments.Compare.ReportFormat;
using System.Text.Json;
using System.Text.Json.Serialization;
using NatPolicy.Agents.Training;
using NatPolicy.Envs;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Compare;

/// <summary>
/// rl-baselines3-zoo's published TRPO result for one env: the budget it trained for (<c>n_timesteps</c> of
/// <c>hyperparams/trpo.yml</c>) and the mean and standard deviation of the episode return of that one trained agent,
/// evaluated with deterministic actions over <see cref="EvalEpisodes"/> episodes (about 150,000 env steps). One
/// training run per env: the std is across evaluation episodes, not across seeds.
/// </summary>
public sealed record ZooTrpoFigure(string EnvId, long Timesteps, double MeanReward, double StdReward, int EvalEpisodes)
{
    /// <summary>Where the figures come from.</summary>
    public const string Source =
        "rl-baselines3-zoo `benchmark.md` (github.com/DLR-RM/rl-baselines3-zoo, the `trpo` rows; budgets from `hyperparams/trpo.yml`)";

    /// <summary>The classic-control rows of the zoo's benchmark.md for sb3-contrib TRPO.</summary>
    public static IReadOnlyList<ZooTrpoFigure> ClassicControl { get; } =
    [
        new("CartPole-v1", 100_000, 500.000, 0.000, 300),
        new("Acrobot-v1", 100_000, -83.114, 18.648, 1783),
        new("MountainCar-v0", 100_000, -107.278, 13.231, 1398),
        new("MountainCarContinuous-v0", 50_000, 92.489, 0.355, 1732),
        new("Pendulum-v1", 100_000, -174.631, 127.577, 750),
    ];

    public static ZooTrpoFigure? For(string envId) => ClassicControl.FirstOrDefault(f => f.EnvId == envId);
}

/// <summary>
/// <c>natpolicy benchmark</c>: the classic-control suite at the zoo's TRPO budgets (the same budget for every algo of
/// an env), one <see cref="Comparison"/> per env in <c>&lt;dir&gt;/&lt;env&gt;/</c>, all cells run in one pool, and
/// one table <c>benchmark.md</c> (+ <c>benchmark.csv</c>) beside the zoo's published TRPO figures.
/// <c>benchmark.json</c> records the plan (written last, so an interrupted start is simply rerun with --force).
/// </summary>
public sealed class Benchmark
{
    public const string FileName = "benchmark.json", MarkdownFile = "benchmark.md", CsvFile = "benchmark.csv";

    /// <summary>
    /// "Reached" thresholds: Gymnasium's registry, and −200 for Pendulum-v1, which has none there (−200 is roughly a
    /// swing-up that balances for most of the 200 steps; the README's results use it too).
    /// </summary>
    public static double? Threshold(string envId) => EnvRegistry.Spec(envId).RewardThreshold ?? (envId == "Pendulum-v1" ? -200.0 : null);

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    private sealed record Plan(int FormatVersion, IReadOnlyList<string> Envs, IReadOnlyList<string> Algos, IReadOnlyList<ulong> Seeds);

    private Benchmark(string dir, IReadOnlyList<Comparison> comparisons)
    {
        Dir = Path.GetFullPath(dir);
        Comparisons = comparisons;
    }

    public string Dir { get; }

    /// <summary>One comparison per env, in the order asked.</summary>
    public IReadOnlyList<Comparison> Comparisons { get; }

    /// <param name="resolve">The resolved config of (env, algo, seed); its budget is replaced by the zoo's.</param>
    public static Benchmark Create(string dir, IReadOnlyList<string> envs, IReadOnlyList<string> algos, IReadOnlyList<ulong> seeds,
        Func<string, string, ulong, TrainConfig> resolve, EvaluationSettings evaluation, bool force)
    {
        foreach (var env in envs)
            if (ZooTrpoFigure.For(env) is null)
                throw new ComparisonException($"no zoo TRPO budget for '{env}'; benchmark envs: {string.Join(", ", ZooTrpoFigure.ClassicControl.Select(f => f.EnvId))}");
        var plans = envs.Select(env =>
        {
            long budget = ZooTrpoFigure.For(env)!.Timesteps;
            return (env, Comparison.PlanCells(algos, seeds, (a, s) => resolve(env, a, s), algos.ToDictionary(a => a, _ => budget)));
        }).ToArray();
        Comparison.PrepareFolder(dir, force, FileName);
        var comparisons = plans.Select(p => Comparison.Create(Path.Combine(dir, p.env), Threshold(p.env), p.Item2, evaluation, force: false)).ToArray();
        RunFolder.WriteAtomic(Path.Combine(dir, FileName), JsonSerializer.Serialize(new Plan(1, envs, algos, seeds), Json));
        return new Benchmark(dir, comparisons);
    }

    public static Benchmark Open(string dir)
    {
        string path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) throw new ComparisonException($"{dir}: no {FileName}, so it is not a benchmark folder (or its start was interrupted; rerun it with --force)");
        Plan? plan;
        try
        {
            plan = JsonSerializer.Deserialize<Plan>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new ComparisonException($"{path}: malformed ({e.Message.Split('\n')[0]})");
        }
        if (plan?.Envs is null) throw new ComparisonException($"{path}: no envs listed");
        return new Benchmark(dir, plan.Envs.Select(e => Comparison.Open(Path.Combine(dir, e))).ToArray());
    }

    /// <summary>Runs every unfinished cell of every env (see <see cref="Comparison.RunAll"/>).</summary>
    public void Run(int jobs, Action<Comparison, int, IterationLog?>? report = null, CancellationToken cancel = default) =>
        Comparison.RunAll(Comparisons, jobs, report, cancel);

    /// <summary>Writes every env's summary files, then <c>benchmark.md</c> and <c>benchmark.csv</c>; returns the summaries.</summary>
    public IReadOnlyList<ComparisonSummary> Summarise()
    {
        var summaries = Comparisons.Select(ComparisonSummary.Write).ToArray();
        RunFolder.WriteAtomic(Path.Combine(Dir, CsvFile), Csv(summaries));
        RunFolder.WriteAtomic(Path.Combine(Dir, MarkdownFile), Markdown(summaries));
        return summaries;
    }

    public static IReadOnlyList<string> Columns { get; } =
    [
        "env_id", "algo", "total_steps", "seeds_planned", "seeds", "threshold", "reached_fraction", "median_steps_to_threshold",
        "eval_return_mean", "eval_return_std", "mean_wall_seconds", "zoo_trpo_timesteps", "zoo_trpo_return_mean", "zoo_trpo_return_std",
    ];

    public static string Csv(IReadOnlyList<ComparisonSummary> summaries)
    {
        var sb = new StringBuilder(string.Join(',', Columns)).Append('\n');
        foreach (var s in summaries)
        {
            var zoo = ZooTrpoFigure.For(s.Manifest.EnvId);
            foreach (var r in s.Algos)
            {
                sb.Append(s.Manifest.EnvId).Append(',').Append(r.Algo).Append(',').Append(I(r.TotalSteps)).Append(',')
                  .Append(I(r.SeedsPlanned)).Append(',').Append(I(r.Seeds)).Append(',').Append(D(s.Manifest.Threshold ?? double.NaN));
                foreach (var x in new[] { r.ReachedFraction, r.MedianStepsToThreshold, r.EvalMean, r.EvalStd, r.MeanWallSeconds })
                    sb.Append(',').Append(D(x));
                sb.Append(',').Append(zoo is null ? "" : I(zoo.Timesteps)).Append(',').Append(D(zoo?.MeanReward ?? double.NaN))
                  .Append(',').Append(D(zoo?.StdReward ?? double.NaN)).Append('\n');
            }
        }
        return sb.ToString();
    }

    public static string Markdown(IReadOnlyList<ComparisonSummary> summaries)
    {
        var sb = new StringBuilder("# Classic-control benchmark\n\n");
        var first = summaries[0].Manifest;
        sb.Append($"Every env at the zoo's TRPO budget, the same budget for every algo, our default config otherwise; seeds {string.Join(", ", first.Seeds.Select(I))}. ");
        sb.Append("\"reached\" = some iteration's mean training return ≥ the threshold (Gymnasium's; −200 for Pendulum-v1, which has none), ");
        sb.Append("median steps counting a seed that never reached it as ∞. ");
        sb.Append($"Deterministic evaluation = each seed's final policy acting by its mean action for {I(first.Evaluation.Episodes)} episodes, ");
        sb.Append("mean ± standard deviation **across seeds** of the per-seed mean return. Wall time = training only, one core per run.\n\n");
        sb.Append($"Zoo TRPO: {ZooTrpoFigure.Source}: sb3-contrib TRPO with the zoo's tuned hyperparameters, **one training run** per env, ");
        sb.Append("evaluated deterministically over about 150,000 env steps; its ± is across evaluation episodes of that single agent, not across seeds.\n\n");
        sb.Append("| env (threshold) | budget (env steps) | algo | seeds | reached | median env steps to threshold | deterministic evaluation, mean ± std over seeds | wall s / run | zoo TRPO (single run, budget) |\n");
        sb.Append("|---|---|---|---|---|---|---|---|---|\n");
        foreach (var s in summaries)
        {
            var m = s.Manifest;
            var zoo = ZooTrpoFigure.For(m.EnvId);
            string zooText = zoo is null ? "—" : $"{zoo.MeanReward.ToString("F1", CultureInfo.InvariantCulture)} ± {zoo.StdReward.ToString("F1", CultureInfo.InvariantCulture)} ({N(zoo.Timesteps)})";
            foreach (var r in s.Algos)
            {
                string env = m.Threshold is { } t ? $"{m.EnvId} ({t.ToString(CultureInfo.InvariantCulture)})" : m.EnvId;
                sb.Append($"| {env} | {N(r.TotalSteps)} | {r.Algo} | {Seeds(r)} | {Reached(r)} | {Median(r)} | {Eval(r)} | {F(r.MeanWallSeconds, "F1")} | {zooText} |\n");
            }
        }
        var unfinished = summaries.SelectMany(s => s.Unfinished.Select(c => $"{s.Manifest.EnvId} {c.Cell.Label}")).ToArray();
        if (unfinished.Length > 0)
            sb.Append($"\n**Not in the statistics** (unfinished; `natpolicy benchmark --resume DIR` finishes them): {string.Join(", ", unfinished)}.\n");
        return sb.ToString();
    }
}
