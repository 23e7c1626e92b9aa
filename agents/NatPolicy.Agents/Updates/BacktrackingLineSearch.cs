namespace NatPolicy.Agents.Updates;

/// <summary>What the line search may ask about a candidate θ.</summary>
public interface ITrustRegionObjective
{
    /// <summary>Surrogate improvement L(θ) − L(θ_old), L(θ) = Ê[π_θ(a|s)/π_old(a|s) Â].</summary>
    double SurrogateImprovement(ReadOnlySpan<double> theta);

    /// <summary>Mean KL(π_old ‖ π_θ) over the batch's states.</summary>
    double MeanKl(ReadOnlySpan<double> theta);
}

/// <summary>
/// TRPO's backtracking line search (Schulman et al. 2015, Appendix C): try θ_old + ratioᵏ·β·s for k = 0 … K and
/// accept the first candidate whose surrogate improves (&gt; 0) and whose mean KL ≤ δ.
/// </summary>
/// <param name="Ratio">Shrink factor per backtrack, in (0, 1).</param>
/// <param name="MaxBacktracks">K: the full step plus K shrunken ones are tried.</param>
public sealed record BacktrackingLineSearch(double Ratio, int MaxBacktracks)
{
    /// <summary>Result: the accepted fraction of the full step (ratioᵏ) and k, or not accepted after K + 1 tries.</summary>
    public readonly record struct Outcome(bool Accepted, int Backtracks, double Fraction, double Improvement, double Kl);

    /// <summary>Searches along <paramref name="fullStep"/> from <paramref name="thetaOld"/>; writes the accepted θ into <paramref name="candidate"/>.</summary>
    public Outcome Search(ITrustRegionObjective objective, ReadOnlySpan<double> thetaOld, ReadOnlySpan<double> fullStep,
        double maxKl, Span<double> candidate)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = Backtrack(objective, thetaOld, fullStep, maxKl, candidate);
        Training.IterationPhases.LineSearchTicks += System.Diagnostics.Stopwatch.GetTimestamp() - start;
        return outcome;
    }

    private Outcome Backtrack(ITrustRegionObjective objective, ReadOnlySpan<double> thetaOld, ReadOnlySpan<double> fullStep,
        double maxKl, Span<double> candidate)
    {
        double fraction = 1.0;
        double improvement = double.NaN, kl = double.NaN;
        for (int k = 0; k <= MaxBacktracks; k++, fraction *= Ratio)
        {
            Vec.Axpy(thetaOld, fraction, fullStep, candidate);
            improvement = objective.SurrogateImprovement(candidate);
            kl = objective.MeanKl(candidate);
            if (double.IsFinite(improvement) && double.IsFinite(kl) && improvement > 0 && kl <= maxKl)
                return new Outcome(true, k, fraction, improvement, kl);
        }
        return new Outcome(false, MaxBacktracks + 1, 0, improvement, kl);
    }
}
