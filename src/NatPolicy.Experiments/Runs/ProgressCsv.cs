using System.Globalization;
using System.Text;
using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Experiments.Runs;

/// <summary>
/// The fixed schema of <c>progress.csv</c>: one row per iteration, invariant culture, doubles in shortest
/// round-trip form, empty cells for "not applicable" (no finished episode, no solver). The header is the first row
/// and never changes within a file. <c>wall_seconds</c> is the only column that differs between two runs of the
/// same config and seed.
/// </summary>
public static class ProgressCsv
{
    public static IReadOnlyList<string> Columns { get; } =
    [
        "iteration", "env_steps", "episodes", "return_mean", "return_std", "return_min", "return_max", "length_mean",
        "entropy", "kl", "step_size", "grad_norm", "cg_iterations", "cg_residual", "line_search_steps", "accepted",
        "wall_seconds", "total_episodes", "rejection", "damping",
    ];

    public static string Header => string.Join(',', Columns);

    public static string Row(IterationLog r, long totalEpisodes, double wallSeconds)
    {
        var sb = new StringBuilder();
        sb.Append(r.Iteration.ToString(CultureInfo.InvariantCulture)).Append(',')
          .Append(r.EnvSteps.ToString(CultureInfo.InvariantCulture)).Append(',')
          .Append(r.Episodes.ToString(CultureInfo.InvariantCulture)).Append(',')
          .Append(Cell(r.ReturnMean)).Append(',')
          .Append(Cell(r.ReturnStd)).Append(',')
          .Append(Cell(r.ReturnMin)).Append(',')
          .Append(Cell(r.ReturnMax)).Append(',')
          .Append(Cell(r.LengthMean)).Append(',')
          .Append(Cell(r.Entropy)).Append(',')
          .Append(Cell(r.Kl)).Append(',')
          .Append(Cell(r.StepSize)).Append(',')
          .Append(Cell(r.GradNorm)).Append(',')
          .Append(r.CgIterations.ToString(CultureInfo.InvariantCulture)).Append(',')
          .Append(Cell(r.CgResidual)).Append(',')
          .Append(r.LineSearchSteps.ToString(CultureInfo.InvariantCulture)).Append(',')
          .Append(r.Accepted ? "1" : "0").Append(',')
          .Append(wallSeconds.ToString("F3", CultureInfo.InvariantCulture)).Append(',')
          .Append(totalEpisodes.ToString(CultureInfo.InvariantCulture)).Append(',')
          .Append(Rejection(r) is { } why ? Quote(why) : "").Append(',')
          .Append(Cell(r.Damping));
        return sb.ToString();
    }

    /// <summary>
    /// The rejection cell: the update's own reason, plus "non-finite COLUMN, …" for every statistic that was infinite
    /// or NaN where a number belongs (its cell is left empty). A missing return (no episode ended) or CG residual (no
    /// solver) is "not applicable", not a fault.
    /// </summary>
    private static string? Rejection(IterationLog r)
    {
        var bad = new List<string>();
        void Check(string name, double x, bool nanIsFault)
        {
            if (double.IsInfinity(x) || (nanIsFault && double.IsNaN(x))) bad.Add(name);
        }
        Check("return_mean", r.ReturnMean, false); Check("return_std", r.ReturnStd, false);
        Check("return_min", r.ReturnMin, false); Check("return_max", r.ReturnMax, false);
        Check("length_mean", r.LengthMean, false); Check("entropy", r.Entropy, true); Check("kl", r.Kl, true);
        Check("step_size", r.StepSize, true); Check("grad_norm", r.GradNorm, true); Check("cg_residual", r.CgResidual, false);
        if (bad.Count == 0) return r.Rejection;
        string note = "non-finite " + string.Join(", ", bad);
        return r.Rejection is null ? note : r.Rejection + "; " + note;
    }

    /// <summary>A double cell: empty for NaN or ±∞ (never "NaN", "inf" or "Infinity"), shortest round-trip otherwise.</summary>
    public static string Cell(double x) => double.IsFinite(x) ? Fmt.D(x) : "";

    /// <summary>Reads a double cell: empty (and the non-finite spellings older files may hold) is NaN.</summary>
    public static double ParseCell(string cell) =>
        cell.Length == 0 || cell.Trim().ToLowerInvariant() is "nan" or "inf" or "-inf" or "+inf" or "infinity" or "-infinity" or "+infinity" or "∞" or "-∞"
            ? double.NaN
            : Fmt.ParseDouble(cell);

    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Reads a progress file back (for compare, plot and resume), without a torn last line. Throws <see cref="FormatException"/> with the file and line on a bad row.</summary>
    public static IReadOnlyList<ProgressRow> Read(string path)
    {
        // A row counts once its '\n' is written: a kill in the middle of a row leaves a torn last line, which is dropped
        // (a resume rewrites it from the checkpoint).
        string text = File.ReadAllText(path);
        int end = text.LastIndexOf('\n');
        var lines = end < 0 ? [] : text[..end].Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        if (lines.Length == 0 || !lines[0].StartsWith("iteration,env_steps,episodes,return_mean", StringComparison.Ordinal))
            throw new FormatException($"{path}: not a progress.csv (first line must be the header '{Header}')");
        var header = CsvTable.Split(lines[0]);
        int Col(string name) => header.IndexOf(name) is var k and >= 0 ? k : throw new FormatException($"{path}: no column '{name}'");
        int it = Col("iteration"), st = Col("env_steps"), rm = Col("return_mean"), wall = Col("wall_seconds"), ep = Col("episodes");
        var rows = new List<ProgressRow>(lines.Length - 1);
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var c = CsvTable.Split(lines[i]);
            try
            {
                rows.Add(new ProgressRow(
                    int.Parse(c[it], CultureInfo.InvariantCulture),
                    long.Parse(c[st], CultureInfo.InvariantCulture),
                    int.Parse(c[ep], CultureInfo.InvariantCulture),
                    ParseCell(c[rm]),
                    ParseCell(c[wall]),
                    lines[i]));
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                throw new FormatException($"{path}:{i + 1}: malformed row");
            }
        }
        return rows;
    }
}

/// <summary>The columns of a progress row that compare and plot need, plus the raw line.</summary>
public sealed record ProgressRow(int Iteration, long EnvSteps, int Episodes, double ReturnMean, double WallSeconds, string Line);
