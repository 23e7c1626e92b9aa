using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Curves;

/// <summary>
/// The runs one legend entry stands for: a run folder on its own, or one algo's seeds in a comparison folder, each read
/// as <see cref="ColumnSeries"/> of the same (x, y) columns and already smoothed.
/// </summary>
/// <param name="Name">Legend name: the run folder's name, or the algo.</param>
/// <param name="Algo">The update rule (for its colour), or "" when the config does not say.</param>
public sealed record CurveGroup(string Name, string Algo, IReadOnlyList<ColumnSeries> Seeds)
{
    /// <summary>Mean and 95% bootstrap band of the seeds (<see cref="SeedBand"/>).</summary>
    public SeedBand Band() => SeedBand.Compute(Name, Seeds);

    /// <summary>
    /// The groups of one folder: a run folder (progress.csv) gives one group, a comparison folder one per algo
    /// (<see cref="ComparisonFolder.RunFolders"/>). Runs without the file of <paramref name="y"/> (eval.csv for an
    /// eval column) are left out, and groups left empty dropped. Each seed is smoothed by
    /// <see cref="Smoothing.Trailing"/> over <paramref name="smooth"/> rows before any mean is taken.
    /// </summary>
    public static IReadOnlyList<CurveGroup> Read(string dir, string y, string x = "env_steps", int smooth = 1)
    {
        ColumnSeries[] Series(IEnumerable<string> runs) =>
            runs.Where(r => ColumnSeries.Available(r, y)).Select(r => ColumnSeries.Read(r, y, x).Smoothed(smooth)).ToArray();

        if (File.Exists(Path.Combine(dir, RunFolder.ProgressFile)))
        {
            var one = Series([dir]);
            return one.Length == 0 ? [] : [new CurveGroup(Path.GetFileName(Path.GetFullPath(dir)), ComparisonFolder.AlgoOf(dir) ?? "", one)];
        }
        return ComparisonFolder.RunFolders(dir)
            .Select(g => new CurveGroup(g.Algo, g.Algo, Series(g.Folders)))
            .Where(g => g.Seeds.Count > 0)
            .ToArray();
    }
}
