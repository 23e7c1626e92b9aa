namespace NatPolicy.Experiments.Reproductions;

/// <summary>Output times 0, then <see cref="PointsPerDecade"/> log-spaced points per decade from <see cref="First"/> to <see cref="Last"/>.</summary>
public sealed record LogTimeGrid(double First, double Last, int PointsPerDecade)
{
    public double[] Times()
    {
        if (!(First > 0) || !(Last > First) || PointsPerDecade < 1)
            throw new ArgumentException($"bad log time grid: first {First}, last {Last}, {PointsPerDecade} per decade");
        int n = (int)Math.Round(Math.Log10(Last / First) * PointsPerDecade);
        var t = new double[n + 2];
        double l0 = Math.Log10(First), l1 = Math.Log10(Last);
        for (int i = 0; i <= n; i++) t[i + 1] = Math.Pow(10, l0 + (l1 - l0) * i / n);
        t[^1] = Last;
        return t;
    }
}

/// <summary>
/// A flow integrated on a <see cref="LogTimeGrid"/>: the state at each output time, the first time an event
/// condition held (located to within an ODE step by bisection; null if never), and the number of accepted steps.
/// </summary>
public sealed record FlowTrace(double[] Times, double[][] States, double? EventTime, long Steps);

public static class Flow
{
    /// <summary>
    /// Integrates dy/dt = f(y) from y0 at t = 0 through the grid's times. <paramref name="eventReached"/> (optional)
    /// is checked at every accepted step; the first crossing is located by bisection. <paramref name="observer"/>
    /// sees every accepted step (e.g. to track a minimum between output times).
    /// </summary>
    public static FlowTrace Integrate(OdeRhs f, double[] y0, LogTimeGrid grid, Func<double[], bool>? eventReached = null,
        OdeOptions? options = null, OdeStepObserver? observer = null)
    {
        var times = grid.Times();
        var solver = new DormandPrince(f, y0.Length, options);
        var y = (double[])y0.Clone();
        var states = new double[times.Length][];
        states[0] = (double[])y.Clone();
        double? eventTime = eventReached is not null && eventReached(y) ? 0 : null;
        var buffer = new double[y.Length];
        var start = new double[y.Length];
        OdeStepObserver stepObserver = (t0, ya, t1, yb) =>
        {
            observer?.Invoke(t0, ya, t1, yb);
            if (eventTime is null && eventReached is not null)
            {
                yb.CopyTo(buffer);
                if (eventReached(buffer))
                {
                    ya.CopyTo(start);
                    eventTime = solver.LocateEvent(t0, start, t1, eventReached);
                }
            }
        };
        for (int i = 1; i < times.Length; i++)
        {
            solver.Integrate(times[i - 1], y, times[i], stepObserver);
            states[i] = (double[])y.Clone();
        }
        return new FlowTrace(times, states, eventTime, solver.AcceptedSteps);
    }
}
