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
          .Append(r.Rejection is null ? "" : Quote(r.Rejection)).Append(',')
          .Append(Cell(r.Damping));
        return sb.ToString();
    }

    /// <summary>A double cell: empty for NaN (never the text "NaN"), shortest round-trip otherwise.</summary>
    public static string Cell(double x) => double.IsNaN(x) ? "" : Fmt.D(x);

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
                    c[rm].Length == 0 ? double.NaN : Fmt.ParseDouble(c[rm]),
                    Fmt.ParseDouble(c[wall]),
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
