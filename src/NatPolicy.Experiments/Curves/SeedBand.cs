using NatPolicy.Experiments.Compare;

namespace NatPolicy.Experiments.Curves;

/// <summary>
/// The mean of several seeds' curves with a 95% percentile-bootstrap band of the mean (<see cref="Statistics.BootstrapCi"/>),
/// point by point on the rows the seeds share: the i-th logged row of every seed (cut to the shortest seed), skipping a
/// row where some seed has no value yet. The x of a row is the seeds' common x, or their mean when they differ
/// (wall_seconds).
/// </summary>
public sealed record SeedBand(string Label, double[] X, double[] Mean, double[] Low, double[] High)
{
    public static SeedBand Compute(string label, IReadOnlyList<IReadOnlyList<double>> xs, IReadOnlyList<IReadOnlyList<double>> ys)
    {
        if (xs.Count != ys.Count) throw new ArgumentException($"{xs.Count} x sequences but {ys.Count} y sequences");
        if (ys.Count == 0) return new SeedBand(label, [], [], [], []);
        int n = Enumerable.Range(0, ys.Count).Min(k => Math.Min(xs[k].Count, ys[k].Count));
        var x = new List<double>();
        var mean = new List<double>();
        var low = new List<double>();
        var high = new List<double>();
        var column = new double[ys.Count];
        for (int i = 0; i < n; i++)
        {
            bool ok = true, same = true;
            for (int k = 0; k < ys.Count; k++)
            {
                column[k] = ys[k][i];
                ok &= !double.IsNaN(column[k]) && !double.IsNaN(xs[k][i]);
                same &= xs[k][i] == xs[0][i];
            }
            if (!ok) continue;
            x.Add(same ? xs[0][i] : Enumerable.Range(0, xs.Count).Average(k => xs[k][i]));
            mean.Add(Statistics.Mean(column));
            var (lo, hi) = Statistics.BootstrapCi(column, Statistics.Mean);
            low.Add(lo);
            high.Add(hi);
        }
        return new SeedBand(label, [.. x], [.. mean], [.. low], [.. high]);
    }

    /// <summary>The band of several runs' series of the same columns.</summary>
    public static SeedBand Compute(string label, IReadOnlyList<ColumnSeries> seeds) =>
        Compute(label, seeds.Select(s => (IReadOnlyList<double>)s.Xs).ToArray(), seeds.Select(s => (IReadOnlyList<double>)s.Ys).ToArray());
}
