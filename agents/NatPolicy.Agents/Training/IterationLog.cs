using NatPolicy.Agents.Updates;
using NatPolicy.Core;

namespace NatPolicy.Agents.Training;

/// <summary>
/// One row of <c>progress.csv</c>. Return statistics are over the episodes that finished during the iteration
/// (NaN when none did; written as an empty cell).
/// </summary>
public readonly record struct IterationLog(
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
        int count = finished.Count;
        if (count > 0)
        {
            // Plain loops (no LINQ closures or enumerators: nothing allocated per iteration), summed in list order.
            double sum = 0, lengths = 0;
            min = max = finished[0].Return;
            for (int i = 0; i < count; i++)
            {
                double r = finished[i].Return;
                sum += r;
                lengths += finished[i].Length;
                min = Math.Min(min, r);
                max = Math.Max(max, r);
            }
            mean = sum / count;
            double squares = 0;
            for (int i = 0; i < count; i++) squares += (finished[i].Return - mean) * (finished[i].Return - mean);
            std = Math.Sqrt(squares / count);
            len = lengths / count;
        }
        return new IterationLog(iteration, envSteps, finished.Count, mean, std, min, max, len, entropy, kl,
            update.StepSize, gradNorm, update.CgIterations, update.CgResidual, update.LineSearchSteps, update.Accepted,
            update.Rejection, update.Damping);
    }
}
