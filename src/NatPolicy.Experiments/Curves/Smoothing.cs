namespace NatPolicy.Experiments.Curves;

/// <summary>Moving averages for learning curves.</summary>
public static class Smoothing
{
    /// <summary>
    /// Trailing (causal) moving average over <paramref name="window"/> points: out[t] is the mean of the finite values
    /// among y[t−window+1] … y[t] (fewer at the start), NaN when there is none. A point uses only rows logged up to
    /// it, so a smoothed curve never shows a return before the run reached it. (Spinning Up's plot.py averages a
    /// centred window instead; the trailing one lags by (window−1)/2 points.) window 1 returns a copy; window must be ≥ 1.
    /// </summary>
    public static double[] Trailing(IReadOnlyList<double> y, int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var result = new double[y.Count];
        for (int t = 0; t < y.Count; t++)
        {
            // Summed afresh per point (not a running sum), so a point does not carry rounding from earlier ones.
            double sum = 0;
            int count = 0;
            for (int i = Math.Max(0, t - window + 1); i <= t; i++)
                if (double.IsFinite(y[i])) { sum += y[i]; count++; }
            result[t] = count == 0 ? double.NaN : sum / count;
        }
        return result;
    }
}
