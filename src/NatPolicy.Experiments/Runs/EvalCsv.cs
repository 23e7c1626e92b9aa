using System.Globalization;
using NatPolicy.Core;

namespace NatPolicy.Experiments.Runs;

/// <summary>
/// The fixed schema of <c>eval.csv</c>, the evaluations during training (<c>eval_every</c>): one row per evaluation,
/// written after the iteration's progress row. Columns: the iteration and env steps after which the policy was
/// evaluated, the episode count and the first reset seed (episode k reset with seed <c>eval_first_seed</c> + k,
/// deterministic actions), and the mean, population std, min and max of the episode returns and the mean episode
/// length. Every column is fixed by the config and seed (there is no wall-clock column: plots take it from
/// progress.csv's row of the same iteration), so a resumed run's eval.csv equals an uninterrupted one's.
/// The eval-only columns start with <c>eval_</c>, so no name is shared with progress.csv except the x columns.
/// </summary>
public static class EvalCsv
{
    public const string FileName = "eval.csv";

    /// <summary>The reset seed of the first episode of every evaluation during training (episode k: + k).</summary>
    public const ulong FirstSeed = 2_000_000_000;

    public static IReadOnlyList<string> Columns { get; } =
    [
        "iteration", "env_steps", "eval_episodes", "eval_first_seed", "eval_return_mean", "eval_return_std",
        "eval_return_min", "eval_return_max", "eval_length_mean",
    ];

    public static string Header => string.Join(',', Columns);

    /// <summary>The settings of every evaluation during training of <paramref name="episodes"/> episodes.</summary>
    public static EvaluationSettings Settings(int episodes) => new(episodes, FirstSeed, true);

    public static string Row(int iteration, long envSteps, EvaluationSettings settings, Evaluation result) => string.Join(',',
        iteration.ToString(CultureInfo.InvariantCulture), envSteps.ToString(CultureInfo.InvariantCulture),
        settings.Episodes.ToString(CultureInfo.InvariantCulture), settings.FirstSeed.ToString(CultureInfo.InvariantCulture),
        Fmt.D(result.Mean), Fmt.D(result.Std), Fmt.D(result.Returns.Min()), Fmt.D(result.Returns.Max()), Fmt.D(result.LengthMean));

    /// <summary>One evaluation read back: the iteration, the mean return, and the raw line.</summary>
    public sealed record Entry(int Iteration, double ReturnMean, string Line);

    /// <summary>Reads eval.csv without a torn last line; a bad row is a <see cref="FormatException"/> naming the file and line.</summary>
    public static IReadOnlyList<Entry> Read(string path)
    {
        var table = CsvTable.Read(path, Header);
        int it = table.Column("iteration"), mean = table.Column("eval_return_mean");
        return table.Rows.Select((r, i) => new Entry((int)table.Number(i, it), table.Number(i, mean), table.Lines[i])).ToArray();
    }

    /// <summary>The entry with the highest mean return, the earliest on ties; null when there is none.</summary>
    public static Entry? Best(IEnumerable<Entry> entries)
    {
        Entry? best = null;
        foreach (var e in entries)
            if (best is null || e.ReturnMean > best.ReturnMean) best = e;
        return best;
    }
}
