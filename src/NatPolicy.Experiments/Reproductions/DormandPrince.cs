namespace NatPolicy.Experiments.Reproductions;

/// <summary>Right-hand side of an autonomous or time-dependent ODE dy/dt = f(t, y); writes f into <paramref name="dydt"/>.</summary>
public delegate void OdeRhs(double t, ReadOnlySpan<double> y, Span<double> dydt);

/// <summary>Called after every accepted step with the step's start (t0, y0) and end (t1, y1).</summary>
public delegate void OdeStepObserver(double t0, ReadOnlySpan<double> y0, double t1, ReadOnlySpan<double> y1);

/// <summary>
/// Error control for <see cref="DormandPrince"/>. A step is accepted when the RMS over components of
/// err_i / (AbsTol + RelTol·max(|y0_i|, |y1_i|)) is at most 1.
/// </summary>
/// <param name="MaxSteps">Accepted plus rejected steps per <see cref="DormandPrince.Integrate"/> call before it throws.</param>
public sealed record OdeOptions(double RelTol = 1e-9, double AbsTol = 1e-12, double InitialStep = 1e-4, int MaxSteps = 2_000_000);

/// <summary>
/// Dormand–Prince 5(4) explicit Runge–Kutta with adaptive step size (the method behind MATLAB's ode45 and SciPy's
/// RK45). The step grows geometrically when the local error allows it, so a slow flow can be followed from
/// t = 10⁻³ to t = 10¹⁰ in a few thousand steps. For small systems (a handful of parameters); not for stiff ones.
/// </summary>
public sealed class DormandPrince
{
    private const double C2 = 1.0 / 5, C3 = 3.0 / 10, C4 = 4.0 / 5, C5 = 8.0 / 9;
    private const double A21 = 1.0 / 5;
    private const double A31 = 3.0 / 40, A32 = 9.0 / 40;
    private const double A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
    private const double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561, A54 = -212.0 / 729;
    private const double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247, A64 = 49.0 / 176, A65 = -5103.0 / 18656;
    private const double B1 = 35.0 / 384, B3 = 500.0 / 1113, B4 = 125.0 / 192, B5 = -2187.0 / 6784, B6 = 11.0 / 84;
    // Error weights: fifth-order minus embedded fourth-order solution.
    private const double E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920, E5 = -17253.0 / 339200, E6 = 22.0 / 525, E7 = -1.0 / 40;

    private const double Safety = 0.9, MinFactor = 0.2, MaxFactor = 10.0, ErrorExponent = 1.0 / 5;

    private readonly OdeRhs _f;
    private readonly OdeOptions _options;
    private readonly int _n;
    private readonly double[] _k1, _k2, _k3, _k4, _k5, _k6, _k7, _tmp, _yNew, _err;

    public DormandPrince(OdeRhs f, int dimension, OdeOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        _f = f;
        _n = dimension;
        _options = options ?? new OdeOptions();
        _k1 = new double[_n]; _k2 = new double[_n]; _k3 = new double[_n]; _k4 = new double[_n];
        _k5 = new double[_n]; _k6 = new double[_n]; _k7 = new double[_n];
        _tmp = new double[_n]; _yNew = new double[_n]; _err = new double[_n];
        Step = _options.InitialStep;
    }

    /// <summary>The step size the next call will try first (carried across calls).</summary>
    public double Step { get; set; }

    /// <summary>Accepted steps so far (all calls).</summary>
    public long AcceptedSteps { get; private set; }

    /// <summary>Integrates y in place from t0 to t1 (t1 &gt; t0), ending exactly at t1.</summary>
    public void Integrate(double t0, Span<double> y, double t1, OdeStepObserver? observer = null)
    {
        if (y.Length != _n) throw new ArgumentException($"state has length {y.Length}, expected {_n}", nameof(y));
        if (!(t1 > t0)) throw new ArgumentException($"t1 = {t1} must exceed t0 = {t0}", nameof(t1));
        double t = t0;
        int attempts = 0;
        while (t < t1)
        {
            if (++attempts > _options.MaxSteps)
                throw new InvalidOperationException($"Dormand–Prince: more than {_options.MaxSteps} steps between t = {t0} and {t1}");
            double h = Math.Min(Step, t1 - t);
            bool last = h >= t1 - t;
            double errNorm = TryStep(t, y, h, _yNew);
            if (errNorm <= 1 && AllFinite(_yNew))
            {
                double tNew = last ? t1 : t + h;
                observer?.Invoke(t, y, tNew, _yNew);
                _yNew.CopyTo(y);
                t = tNew;
                AcceptedSteps++;
                double grow = errNorm == 0 ? MaxFactor : Math.Clamp(Safety * Math.Pow(errNorm, -ErrorExponent), 1, MaxFactor);
                // Do not let the final, truncated step shrink the carried step size.
                Step = Math.Max(Step, h * grow);
                if (!last) Step = h * grow;
            }
            else
            {
                double shrink = double.IsFinite(errNorm) ? Math.Max(MinFactor, Safety * Math.Pow(errNorm, -ErrorExponent)) : MinFactor;
                Step = h * shrink;
                if (Step < 1e-14 * Math.Max(1, Math.Abs(t)))
                    throw new InvalidOperationException($"Dormand–Prince: step size underflow at t = {t}");
            }
        }
    }

    /// <summary>
    /// One Dormand–Prince step of size h from (t, y) into <paramref name="yOut"/>, without error control; returns
    /// the scaled error norm (≤ 1 means the step meets the tolerances). Used for event location inside an accepted step.
    /// </summary>
    public double TryStep(double t, ReadOnlySpan<double> y, double h, Span<double> yOut)
    {
        int n = _n;
        _f(t, y, _k1);
        for (int i = 0; i < n; i++) _tmp[i] = y[i] + h * A21 * _k1[i];
        _f(t + C2 * h, _tmp, _k2);
        for (int i = 0; i < n; i++) _tmp[i] = y[i] + h * (A31 * _k1[i] + A32 * _k2[i]);
        _f(t + C3 * h, _tmp, _k3);
        for (int i = 0; i < n; i++) _tmp[i] = y[i] + h * (A41 * _k1[i] + A42 * _k2[i] + A43 * _k3[i]);
        _f(t + C4 * h, _tmp, _k4);
        for (int i = 0; i < n; i++) _tmp[i] = y[i] + h * (A51 * _k1[i] + A52 * _k2[i] + A53 * _k3[i] + A54 * _k4[i]);
        _f(t + C5 * h, _tmp, _k5);
        for (int i = 0; i < n; i++) _tmp[i] = y[i] + h * (A61 * _k1[i] + A62 * _k2[i] + A63 * _k3[i] + A64 * _k4[i] + A65 * _k5[i]);
        _f(t + h, _tmp, _k6);
        for (int i = 0; i < n; i++) yOut[i] = y[i] + h * (B1 * _k1[i] + B3 * _k3[i] + B4 * _k4[i] + B5 * _k5[i] + B6 * _k6[i]);
        _f(t + h, yOut, _k7);
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            _err[i] = h * (E1 * _k1[i] + E3 * _k3[i] + E4 * _k4[i] + E5 * _k5[i] + E6 * _k6[i] + E7 * _k7[i]);
            double scale = _options.AbsTol + _options.RelTol * Math.Max(Math.Abs(y[i]), Math.Abs(yOut[i]));
            double r = _err[i] / scale;
            sum += r * r;
        }
        return Math.Sqrt(sum / n);
    }

    /// <summary>
    /// Locates, by bisection on single steps from (t0, y0), the first time in (t0, t1] at which
    /// <paramref name="crossed"/> turns true, given that it is false at y0 and true at the step's end.
    /// Accurate to a relative 1e-10 in the step length.
    /// </summary>
    public double LocateEvent(double t0, ReadOnlySpan<double> y0, double t1, Func<double[], bool> crossed)
    {
        const int Bisections = 40;
        double lo = 0, hi = t1 - t0;
        var y = new double[_n];
        for (int it = 0; it < Bisections; it++)
        {
            double mid = 0.5 * (lo + hi);
            TryStep(t0, y0, mid, y);
            if (crossed(y)) hi = mid; else lo = mid;
        }
        return t0 + hi;
    }

    private static bool AllFinite(ReadOnlySpan<double> y)
    {
        foreach (double v in y) if (!double.IsFinite(v)) return false;
        return true;
    }
}
