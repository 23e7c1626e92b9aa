using NatPolicy.Experiments.Curves;

namespace NatPolicy.Experiments.Compare;

/// <summary>
/// The mean learning curve of several seeds with a 95% percentile-bootstrap band of the mean, on the env-step grid
/// the seeds share (every seed of one config logs at the same env steps; the grid is cut to the shortest seed).
/// Points where some seed has not finished an episode yet are skipped. (<see cref="SeedBand"/> of the returns.)
/// </summary>
public sealed record MeanCurve(string Label, double[] EnvSteps, double[] Mean, double[] Low, double[] High)
{
    public static MeanCurve Compute(string label, IReadOnlyList<SeedCurve> seeds)
    {
        var band = SeedBand.Compute(label, seeds.Select(s => (IReadOnlyList<double>)s.EnvSteps.Select(x => (double)x).ToArray()).ToArray(),
            seeds.Select(s => (IReadOnlyList<double>)s.Returns).ToArray());
        return new MeanCurve(label, band.X, band.Mean, band.Low, band.High);
    }
}
