namespace NatPolicy.Experiments.Reproductions;

/// <summary>
/// Kakade's 1-d linear-quadratic regulator (A Natural Policy Gradient, 2001, Fig. 2), solved in closed form.
/// Dynamics x(t+1) = A·x(t) + u(t) + ε(t), ε ~ N(0, 1), A = 0.7; policy u ~ N(k·x, σ²) with gain k = θ₁·s₁ and
/// log σ = θ₂·s₂ (s₁, s₂ are fixed scalings of the parameters); x(0) ~ N(0, v₀).
/// Cost J(θ) = E Σ_{t=1..T} x(t)² over a trajectory of T controls (the state before any control, x(0), is not
/// charged since no parameter can change it).
/// </summary>
/// <remarks>
/// Variance propagation: v(t+1) = (A + k)²·v(t) + σ² + 1, v(0) = v₀, so J = Σ_{t=1..T} v(t) and its derivatives
/// follow by forward-mode differentiation of the same recursion:
/// ∂v(t+1)/∂k = 2(A+k)v(t) + (A+k)²∂v(t)/∂k, ∂v(t+1)/∂σ² = 1 + (A+k)²∂v(t)/∂σ², ∂J/∂log σ = 2σ²·∂J/∂σ².
/// Fisher of the trajectory distribution (only the policy factors depend on θ): the score of one control is
/// ((u−kx)x/σ², (u−kx)²/σ² − 1) in (k, log σ), with second moments x²/σ² and 2 and zero cross term, so
/// F(k, log σ) = diag(Σ_{t=0..T−1} v(t)/σ², 2T), summed over the T steps (not averaged). In θ: F_θ = diag(s₁², s₂²)·F.
/// The infimum of J is T (k = −A, σ → 0), and J ≥ T(1 + σ²) since v(t) ≥ 1 + σ² for t ≥ 1, so J ≤ T + Δ needs
/// σ² ≤ Δ/T. The same bound gives F ⪰ diag((T−1)(1 + σ²)/σ², 2T) ⪰ (T−1)·I: in the coordinates (k, log σ) the
/// natural flow moves each coordinate at most 1/(T−1) as fast as the vanilla flow does at the same point.
/// </remarks>
public static class KakadeLqr
{
    public const double DefaultA = 0.7;
    public const double NoiseVariance = 1.0;

    /// <param name="Cost">J.</param>
    /// <param name="DCostDGain">∂J/∂k.</param>
    /// <param name="DCostDLogSigma">∂J/∂log σ.</param>
    /// <param name="FisherGain">Σ_t v(t)/σ² (Fisher in k).</param>
    /// <param name="FisherLogSigma">2T (Fisher in log σ).</param>
    public readonly record struct Point(double Cost, double DCostDGain, double DCostDLogSigma, double FisherGain, double FisherLogSigma);

    /// <summary>Cost, exact gradient and exact Fisher in the policy's own coordinates (k, log σ).</summary>
    public static Point Evaluate(double gain, double logSigma, int horizon, double initialVariance, double a = DefaultA)
    {
        double s2 = Math.Exp(2 * logSigma);
        double m = a + gain, m2 = m * m;
        double v = initialVariance, dvdk = 0, dvds2 = 0;
        double cost = 0, dk = 0, ds2 = 0, sumVBefore = 0;
        for (int t = 0; t < horizon; t++)
        {
            sumVBefore += v;
            double vNext = m2 * v + s2 + NoiseVariance;
            double dkNext = 2 * m * v + m2 * dvdk;
            double ds2Next = 1 + m2 * dvds2;
            v = vNext; dvdk = dkNext; dvds2 = ds2Next;
            cost += v; dk += dvdk; ds2 += dvds2;
        }
        return new Point(cost, dk, 2 * s2 * ds2, sumVBefore / s2, 2.0 * horizon);
    }

    /// <summary>The infimum of J over policies: T·(noise variance), reached as k → −A and σ → 0.</summary>
    public static double MinimumCost(int horizon) => horizon * NoiseVariance;
}

/// <summary>A parameter scaling (s₁ multiplies θ₁, s₂ multiplies θ₂).</summary>
public readonly record struct LqrScaling(double S1, double S2)
{
    public override string ToString() => $"({S1:G3},{S2:G3})";
}

/// <summary>How θ = (θ₁, θ₂) with scalings (s₁, s₂) define the Gaussian policy u ~ N(k·x, σ²).</summary>
public enum LqrParameterization
{
    /// <summary>k = s₁θ₁, log σ = s₂θ₂ (the reading of the project brief).</summary>
    GainLogSigma,

    /// <summary>
    /// π(u|x) ∝ exp(s₁θ₁·u² + s₂θ₂·x·u), the paper's printed exp(θ₁s₁x² + θ₂s₂x) with the missing u restored:
    /// the natural parameters of the Gaussian, precision 1/σ² = −2s₁θ₁ (needs θ₁ &lt; 0) and k = s₂θ₂σ².
    /// </summary>
    ExponentialFamily,
}

/// <param name="Parameterization">How θ maps to the policy.</param>
/// <param name="Horizon">Controls per trajectory, T.</param>
/// <param name="InitialVariance">v₀ = Var x(0).</param>
/// <param name="InitialGain">k at t = 0 (the same policy for every scaling and parameterization). Default 0: the
/// uncontrolled system.</param>
/// <param name="InitialSigma">σ at t = 0. Default 0.1: a nearly deterministic policy (σ² = 0.01 is already below the
/// 0.1 that cost 22 requires), so learning is all in the gain and one coordinate sets every flow's time. With σ₀ ≳ 0.5
/// both coordinates must move and the vanilla spread under <see cref="LqrParameterization.GainLogSigma"/> is capped
/// near 9.5 (see docs/reproductions.md).</param>
/// <param name="TargetCost">The reported time is the first t with J ≤ this.</param>
/// <param name="FisherDamping">δ added to the Fisher diagonal in θ coordinates.</param>
/// <param name="AverageFisherOverSteps">false (default): the Fisher of the trajectory distribution, Σ over the T
/// steps, which pairs with the summed cost J (then F⁻¹∇J is the least-squares weight of the compatible features,
/// Kakade's Theorem 1, and ½dθᵀFdθ is the KL between trajectory distributions). true divides it by T (Kakade's
/// per-state average, which pairs with an average cost J/T); that only makes every natural time T times shorter.</param>
public sealed record LqrConfig(
    LqrParameterization Parameterization = LqrParameterization.GainLogSigma,
    int Horizon = 20,
    double InitialVariance = 1,
    double InitialGain = 0,
    double InitialSigma = 0.1,
    double TargetCost = 22,
    double FisherDamping = 1e-6,
    bool AverageFisherOverSteps = false,
    double TFirst = 1e-6,
    double TEnd = 1e3,
    int PointsPerDecade = 20,
    double RelTol = 1e-9,
    double AbsTol = 1e-12)
{
    public static IReadOnlyList<LqrScaling> DefaultScalings { get; } = [new(1, 1), new(1, 10), new(10, 1)];
}

/// <param name="Natural">Time to the target at each of <see cref="LqrConfig.DefaultScalings"/> (NaN: not reached by TEnd).</param>
/// <param name="Vanilla">Time to the target of the vanilla flow at (1,1).</param>
public sealed record LqrStartRow(double Sigma0, double[] Natural, double Vanilla)
{
    /// <summary>Vanilla (1,1) time over the natural (1,1) time.</summary>
    public double Ratio => Vanilla / Natural[0];
}

public sealed record LqrRun(string Method, LqrScaling Scaling, double[] Times, double[] Cost, double[] Gain, double[] Sigma, double? TimeToTarget, long Steps);

public sealed record LqrResult(LqrConfig Config, IReadOnlyList<LqrRun> Vanilla, IReadOnlyList<LqrRun> Natural)
{
    /// <summary>Largest / smallest time to the target cost across scalings (NaN if some run never reached it).</summary>
    public static double Spread(IReadOnlyList<LqrRun> runs)
    {
        if (runs.Any(r => r.TimeToTarget is null)) return double.NaN;
        var t = runs.Select(r => r.TimeToTarget!.Value).ToArray();
        return t.Max() / t.Min();
    }
}

public static class KakadeLqrExperiment
{
    public static LqrResult Run(LqrConfig? config = null, IReadOnlyList<LqrScaling>? scalings = null)
    {
        var c = config ?? new LqrConfig();
        var s = scalings ?? LqrConfig.DefaultScalings;
        return new LqrResult(c, s.Select(x => RunFlow(c, x, natural: false)).ToArray(), s.Select(x => RunFlow(c, x, natural: true)).ToArray());
    }

    /// <summary>
    /// How the natural-vs-vanilla ratio depends on the start: for each σ₀, the time to the target cost of the natural
    /// and the vanilla flow at scaling (1,1) under <paramref name="config"/> with that σ₀ (TEnd raised so slow vanilla
    /// flows still arrive), and the natural times at every default scaling.
    /// </summary>
    public static IReadOnlyList<LqrStartRow> StartSweep(LqrConfig config, IReadOnlyList<double> sigmas) =>
        sigmas.Select(sigma =>
        {
            var c = config with { InitialSigma = sigma };
            var natural = LqrConfig.DefaultScalings.Select(s => RunFlow(c, s, natural: true).TimeToTarget ?? double.NaN).ToArray();
            double vanilla = RunFlow(c, new LqrScaling(1, 1), natural: false).TimeToTarget ?? double.NaN;
            return new LqrStartRow(sigma, natural, vanilla);
        }).ToArray();

    /// <summary>The exponent b of ratio ≈ a·σ₀^b, least squares on log ratio vs log σ₀.</summary>
    public static double RatioExponent(IReadOnlyList<LqrStartRow> rows)
    {
        var xs = rows.Select(r => Math.Log(r.Sigma0)).ToArray();
        var ys = rows.Select(r => Math.Log(r.Ratio)).ToArray();
        double mx = xs.Average(), my = ys.Average();
        return xs.Zip(ys).Sum(p => (p.First - mx) * (p.Second - my)) / xs.Sum(x => (x - mx) * (x - mx));
    }

    /// <summary>Cost, ∇_θ J and the damped Fisher (symmetric 2×2: F11, F12, F22) in θ coordinates.</summary>
    public readonly record struct ThetaPoint(double Cost, double G1, double G2, double F11, double F12, double F22, double Gain, double LogSigma);

    /// <summary>(k, log σ) of θ under the configured parameterization and scaling.</summary>
    public static (double Gain, double LogSigma) Policy(LqrConfig c, LqrScaling s, double theta1, double theta2)
    {
        if (c.Parameterization == LqrParameterization.GainLogSigma) return (s.S1 * theta1, s.S2 * theta2);
        double precision = -2 * s.S1 * theta1;
        return (s.S2 * theta2 / precision, -0.5 * Math.Log(precision));
    }

    /// <summary>The θ of the policy (k, log σ) (inverse of <see cref="Policy"/>).</summary>
    public static double[] Theta(LqrConfig c, LqrScaling s, double gain, double logSigma)
    {
        if (c.Parameterization == LqrParameterization.GainLogSigma) return [gain / s.S1, logSigma / s.S2];
        double precision = Math.Exp(-2 * logSigma);
        return [-precision / (2 * s.S1), gain * precision / s.S2];
    }

    public static ThetaPoint InTheta(LqrConfig c, LqrScaling s, double theta1, double theta2)
    {
        var (k, logSigma) = Policy(c, s, theta1, theta2);
        var p = KakadeLqr.Evaluate(k, logSigma, c.Horizon, c.InitialVariance);
        double w = c.AverageFisherOverSteps ? 1.0 / c.Horizon : 1.0;
        // Jacobian ∂(k, log σ)/∂(θ₁, θ₂).
        double j11, j12, j21, j22;
        if (c.Parameterization == LqrParameterization.GainLogSigma)
        {
            (j11, j12, j21, j22) = (s.S1, 0, 0, s.S2);
        }
        else
        {
            double precision = -2 * s.S1 * theta1;
            (j11, j12, j21, j22) = (2 * k * s.S1 / precision, s.S2 / precision, s.S1 / precision, 0);
        }
        double fk = w * p.FisherGain, fl = w * p.FisherLogSigma;
        return new ThetaPoint(p.Cost,
            j11 * p.DCostDGain + j21 * p.DCostDLogSigma,
            j12 * p.DCostDGain + j22 * p.DCostDLogSigma,
            j11 * j11 * fk + j21 * j21 * fl + c.FisherDamping,
            j11 * j12 * fk + j21 * j22 * fl,
            j12 * j12 * fk + j22 * j22 * fl + c.FisherDamping,
            k, logSigma);
    }

    /// <summary>Vanilla flow dθ/dt = −∇J or natural flow dθ/dt = −(F + δI)⁻¹∇J, from the configured initial policy.</summary>
    public static LqrRun RunFlow(LqrConfig c, LqrScaling s, bool natural)
    {
        OdeRhs rhs = (_, y, dy) =>
        {
            var q = InTheta(c, s, y[0], y[1]);
            if (natural)
            {
                double det = q.F11 * q.F22 - q.F12 * q.F12;
                dy[0] = -(q.F22 * q.G1 - q.F12 * q.G2) / det;
                dy[1] = -(q.F11 * q.G2 - q.F12 * q.G1) / det;
            }
            else
            {
                dy[0] = -q.G1;
                dy[1] = -q.G2;
            }
        };
        var theta0 = Theta(c, s, c.InitialGain, Math.Log(c.InitialSigma));
        var trace = Flow.Integrate(rhs, theta0, new LogTimeGrid(c.TFirst, c.TEnd, c.PointsPerDecade),
            th => InTheta(c, s, th[0], th[1]).Cost <= c.TargetCost, new OdeOptions(c.RelTol, c.AbsTol));
        int n = trace.Times.Length;
        var cost = new double[n]; var gain = new double[n]; var sigma = new double[n];
        for (int k = 0; k < n; k++)
        {
            var q = InTheta(c, s, trace.States[k][0], trace.States[k][1]);
            cost[k] = q.Cost;
            gain[k] = q.Gain;
            sigma[k] = Math.Exp(q.LogSigma);
        }
        return new LqrRun(natural ? "natural" : "vanilla", s, trace.Times, cost, gain, sigma, trace.EventTime, trace.Steps);
    }
}
