namespace NatPolicy.Experiments.Reproductions;

/// <summary>
/// Kakade's two-state MDP (A Natural Policy Gradient, 2001, Fig. 1). States i and j, actions "stay" and "switch",
/// deterministic transitions (stay keeps the state, switch moves to the other). Rewards: stay in i → 1,
/// stay in j → 2, switch → 0. Policy π(stay|s) = sigmoid(θ_s), θ = (θ_i, θ_j). Objective: average reward
/// η(θ) = Σ_s ρ(s) Σ_a π(a|s) r(s,a), ρ the stationary distribution.
/// </summary>
/// <remarks>
/// With a = π(switch|i), b = π(switch|j): ρ(i) = b/(a+b), ρ(j) = a/(a+b), η = (b(1−a) + 2a(1−b))/(a+b),
/// ∂η/∂a = b(3(1−b) − 2)/(a+b)², ∂η/∂b = −a(1+3a)/(a+b)², ∂a/∂θ_i = −(1−a)a, ∂b/∂θ_j = −(1−b)b.
/// Fisher: F = diag(ρ(i)·p_i(1−p_i), ρ(j)·p_j(1−p_j)) + δI (the score of a Bernoulli(p) in its logit has variance p(1−p)).
/// Probabilities are computed as sigmoid(±θ) so that a switching probability of 10⁻⁹ keeps full relative precision.
/// </remarks>
public static class KakadeTwoState
{
    public const int StateI = 0, StateJ = 1;
    public const double RewardStayI = 1, RewardStayJ = 2;

    /// <summary>The policy-dependent quantities at one θ.</summary>
    /// <param name="RhoJ">Stationary probability of state j.</param>
    /// <param name="GradI">∂η/∂θ_i.</param>
    public readonly record struct Point(double StayI, double StayJ, double RhoJ, double AverageReward, double GradI, double GradJ, double FisherI, double FisherJ);

    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    public static double Logit(double p) => Math.Log(p / (1 - p));

    /// <summary>Evaluates η, ρ(j), ∇η and the (undamped) Fisher diagonal at θ = (θ_i, θ_j).</summary>
    public static Point Evaluate(double thetaI, double thetaJ)
    {
        double pI = Sigmoid(thetaI), a = Sigmoid(-thetaI);
        double pJ = Sigmoid(thetaJ), b = Sigmoid(-thetaJ);
        double d = a + b;
        double rhoI = b / d, rhoJ = a / d;
        double eta = (RewardStayI * b * pI + RewardStayJ * a * pJ) / d;
        double dEtaDa = b * (3 * pJ - 2) / (d * d);
        double dEtaDb = -a * (1 + 3 * a) / (d * d);
        double gradI = dEtaDa * (-pI * a);
        double gradJ = dEtaDb * (-pJ * b);
        return new Point(pI, pJ, rhoJ, eta, gradI, gradJ, rhoI * pI * a, rhoJ * pJ * b);
    }

    /// <summary>Stationary distribution of state j by its closed form (a/(a+b)).</summary>
    public static double StationaryJ(double thetaI, double thetaJ) => Evaluate(thetaI, thetaJ).RhoJ;
}

/// <param name="StayI">Initial π(stay|i).</param>
/// <param name="StayJ">Initial π(stay|j).</param>
/// <param name="FisherDamping">δ added to the Fisher diagonal.</param>
/// <param name="EscapeReward">The escape time is the first t with η(θ(t)) ≥ this.</param>
public sealed record TwoStateConfig(
    double StayI = 0.8,
    double StayJ = 0.1,
    double FisherDamping = 1e-3,
    double EscapeReward = 1.9,
    double TEnd = 1e10,
    double TFirst = 1e-3,
    int PointsPerDecade = 20,
    double RelTol = 1e-9,
    double AbsTol = 1e-12);

/// <summary>One flow: samples at the output times, the escape time (null if η never reached the level), the minimum ρ(j) over all steps.</summary>
public sealed record TwoStateRun(string Method, double[] Times, double[] AverageReward, double[] RhoJ, double[] StayI, double[] StayJ,
    double? EscapeTime, double MinRhoJ, double TimeOfMinRhoJ, long Steps);

public sealed record TwoStateResult(TwoStateConfig Config, TwoStateRun Vanilla, TwoStateRun Natural)
{
    /// <summary>Vanilla escape time / natural escape time (NaN if either never escaped).</summary>
    public double EscapeRatio => Vanilla.EscapeTime is { } v && Natural.EscapeTime is { } n ? v / n : double.NaN;
}

public static class KakadeTwoStateExperiment
{
    public static TwoStateResult Run(TwoStateConfig? config = null)
    {
        var c = config ?? new TwoStateConfig();
        return new TwoStateResult(c, RunFlow(c, natural: false), RunFlow(c, natural: true));
    }

    /// <summary>Vanilla flow dθ/dt = ∇η, or natural flow dθ/dt = (F + δI)⁻¹∇η.</summary>
    public static TwoStateRun RunFlow(TwoStateConfig c, bool natural)
    {
        OdeRhs rhs = (_, y, dy) =>
        {
            var p = KakadeTwoState.Evaluate(y[0], y[1]);
            dy[0] = natural ? p.GradI / (p.FisherI + c.FisherDamping) : p.GradI;
            dy[1] = natural ? p.GradJ / (p.FisherJ + c.FisherDamping) : p.GradJ;
        };
        double minRho = double.PositiveInfinity, tMin = 0;
        OdeStepObserver track = (_, _, t1, y1) =>
        {
            double r = KakadeTwoState.StationaryJ(y1[0], y1[1]);
            if (r < minRho) { minRho = r; tMin = t1; }
        };
        double[] theta0 = [KakadeTwoState.Logit(c.StayI), KakadeTwoState.Logit(c.StayJ)];
        minRho = KakadeTwoState.StationaryJ(theta0[0], theta0[1]);
        var trace = Flow.Integrate(rhs, theta0, new LogTimeGrid(c.TFirst, c.TEnd, c.PointsPerDecade),
            th => KakadeTwoState.Evaluate(th[0], th[1]).AverageReward >= c.EscapeReward,
            new OdeOptions(c.RelTol, c.AbsTol), track);
        int n = trace.Times.Length;
        var eta = new double[n]; var rho = new double[n]; var si = new double[n]; var sj = new double[n];
        for (int k = 0; k < n; k++)
        {
            var p = KakadeTwoState.Evaluate(trace.States[k][0], trace.States[k][1]);
            eta[k] = p.AverageReward; rho[k] = p.RhoJ; si[k] = p.StayI; sj[k] = p.StayJ;
        }
        return new TwoStateRun(natural ? "natural" : "vanilla", trace.Times, eta, rho, si, sj, trace.EventTime, minRho, tMin, trace.Steps);
    }
}
