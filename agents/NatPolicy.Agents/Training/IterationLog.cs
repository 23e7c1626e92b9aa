using NatPolicy.Agents.Updates;
using NatPolicy.Core;

namespace NatPolicy.Agents.Training;

/// <summary>
/// One row of <c>progress.csv</c>. Return statistics are over the episodes that finished during the iteration
/// (NaN when none did; written as an empty cell).
/// </summary>
public sealed record IterationLog(
    int Iteration,
    long EnvSteps,
    int Episodes,
    double ReturnMean,
    double ReturnStd,
    double ReturnMin,
    double ReturnMax,
    double LengthMean,
    double Entropy,
    double Kl,
    double StepSize,
    double GradNorm,
    int CgIterations,
    double CgResidual,
    int LineSearchSteps,
    bool Accepted,
    string? Rejection,
    double Damping = double.NaN)
{
    internal static IterationLog From(int iteration, long envSteps, IReadOnlyList<EpisodeStats> finished,
        double entropy, double kl, double gradNorm, UpdateResult update)
    {
        double mean = double.NaN, std = double.NaN, min = double.NaN, max = double.NaN, len = double.NaN;
        if (finished.Count > 0)
        {
            mean = finished.Average(e => e.Return);
            std = Math.Sqrt(finished.Average(e => (e.Return - mean) * (e.Return - mean)));
            min = finished.Min(e => e.Return);
            max = finished.Max(e => e.Return);
            len = finished.Average(e => (double)e.Length);
        }
        return new IterationLog(iteration, envSteps, finished.Count, mean, std, min, max, len, entropy, kl,
            update.StepSize, gradNorm, update.CgIterations, update.CgResidual, update.LineSearchSteps, update.Accepted,
            update.Rejection, update.Damping);
    }
}
