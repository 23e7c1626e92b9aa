using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Curves;

/// <summary>One run's values of column <see cref="Y"/> against column <see cref="X"/>, one point per logged row.</summary>
/// <param name="Folder">The run folder it was read from.</param>
public sealed record ColumnSeries(string Folder, string X, string Y, double[] Xs, double[] Ys)
{
    /// <summary>The x columns: <c>env_steps</c> (default), <c>iteration</c>, <c>wall_seconds</c>.</summary>
    public static IReadOnlyList<string> XColumns { get; } = ["env_steps", "iteration", "wall_seconds"];

    /// <summary>
    /// Every column that can be plotted: the numeric columns of progress.csv (all but <c>rejection</c>), then the
    /// <c>eval_</c> columns of eval.csv.
    /// </summary>
    public static IReadOnlyList<string> YColumns { get; } =
        [.. ProgressCsv.Columns.Where(c => c != "rejection"), .. EvalCsv.Columns.Where(IsEvalColumn)];

    /// <summary>True for a column that only eval.csv has.</summary>
    public static bool IsEvalColumn(string column) => column.StartsWith("eval_", StringComparison.Ordinal) && EvalCsv.Columns.Contains(column);

    /// <summary>True when the run folder has the file that <paramref name="y"/> lives in (eval.csv for an eval column).</summary>
    public static bool Available(string runFolder, string y) =>
        File.Exists(Path.Combine(runFolder, IsEvalColumn(y) ? RunFolder.EvalFile : RunFolder.ProgressFile));

    /// <summary>
    /// Reads <paramref name="y"/> against <paramref name="x"/> from a run folder: progress.csv, or eval.csv for an
    /// <c>eval_</c> column (its wall_seconds is that of progress.csv's row of the same iteration). An empty cell (no
    /// episode finished in the iteration, no solver) carries the previous value forward, NaN before the first one, as
    /// the learning curves do. The columns must be among <see cref="XColumns"/> and <see cref="YColumns"/>
    /// (<see cref="ArgumentException"/>); a missing or malformed file is a <see cref="FormatException"/> naming it.
    /// </summary>
    public static ColumnSeries Read(string runFolder, string y, string x = "env_steps")
    {
        if (!XColumns.Contains(x)) throw new ArgumentException($"x column '{x}' is not one of {string.Join(", ", XColumns)}", nameof(x));
        if (!YColumns.Contains(y)) throw new ArgumentException($"y column '{y}' is not one of {string.Join(", ", YColumns)}", nameof(y));
        string progressPath = Path.Combine(runFolder, RunFolder.ProgressFile);
        if (!File.Exists(progressPath)) throw new FormatException($"{runFolder}: no {RunFolder.ProgressFile}");
        var progress = CsvTable.Read(progressPath, "iteration,env_steps,episodes,return_mean", headerPrefixOnly: true);
        if (!IsEvalColumn(y)) return new ColumnSeries(runFolder, x, y, progress.Numbers(x), CarryForward(progress.Numbers(y)));

        string evalPath = Path.Combine(runFolder, RunFolder.EvalFile);
        if (!File.Exists(evalPath)) throw new FormatException($"{runFolder}: no {RunFolder.EvalFile} (train with eval_every > 0 to evaluate during training)");
        var eval = CsvTable.Read(evalPath, EvalCsv.Header);
        double[] xs;
        if (x == "wall_seconds")
        {
            var wall = new Dictionary<double, double>();
            var iterations = progress.Numbers("iteration");
            var seconds = progress.Numbers("wall_seconds");
            for (int i = 0; i < iterations.Length; i++) wall[iterations[i]] = seconds[i];
            xs = eval.Numbers("iteration").Select(it => wall.TryGetValue(it, out double s) ? s : double.NaN).ToArray();
        }
        else
        {
            xs = eval.Numbers(x);
        }
        return new ColumnSeries(runFolder, x, y, xs, CarryForward(eval.Numbers(y)));
    }

    /// <summary>The series with its y values replaced by <see cref="Smoothing.Trailing"/> over <paramref name="window"/> points.</summary>
    public ColumnSeries Smoothed(int window) => window <= 1 ? this : this with { Ys = Smoothing.Trailing(Ys, window) };

    private static double[] CarryForward(double[] values)
    {
        double last = double.NaN;
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i])) values[i] = last;
            else last = values[i];
        }
        return values;
    }
}
