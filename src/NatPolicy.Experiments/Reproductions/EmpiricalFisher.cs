namespace NatPolicy.Experiments.Reproductions;

/// <summary>
/// Martens (2020, "New insights and perspectives on the natural gradient method", §11) one-dimensional example of
/// why the empirical Fisher is not the Fisher. Model y ~ N(θ, 1), every observed target is y = 0, loss
/// L(θ) = ½θ² (the negative log-likelihood up to a constant), gradient θ.
/// Exact Fisher: E_{y~N(θ,1)}[(y − θ)²] = 1, so the natural step is θ ← θ − αθ = θ(1 − α): converges to 0 for every
/// α ∈ (0, 2). Empirical Fisher: the squared score at the observed target, (0 − θ)² = θ², so its step is
/// θ ← θ − αθ/θ² = θ − α/θ. That map has no fixed point and, for |θ| &lt; √(α/2), throws the next iterate beyond
/// √(α/2) (|θ − α/θ| = α/|θ| − |θ| &gt; √(α/2)); so no two consecutive iterates are both below √(α/2) and the
/// iteration cannot converge to 0.
/// </summary>
public static class EmpiricalFisher
{
    /// <summary>θ(1 − α) (exact Fisher = 1).</summary>
    public static double ExactStep(double theta, double stepSize) => theta - stepSize * theta;

    /// <summary>θ − α·θ/θ² (empirical Fisher = θ²); θ = 0 maps to ±∞ is avoided by the caller never starting there.</summary>
    public static double EmpiricalStep(double theta, double stepSize) => theta - stepSize * theta / (theta * theta);

    /// <summary>The iterates θ₀, θ₁, …, θ_steps of one rule.</summary>
    public static double[] Iterate(double theta0, double stepSize, int steps, bool empirical)
    {
        var t = new double[steps + 1];
        t[0] = theta0;
        for (int k = 1; k <= steps; k++) t[k] = empirical ? EmpiricalStep(t[k - 1], stepSize) : ExactStep(t[k - 1], stepSize);
        return t;
    }

    /// <summary>√(α/2): the empirical-Fisher iteration can never have two consecutive iterates below it.</summary>
    public static double EmpiricalFloor(double stepSize) => Math.Sqrt(stepSize / 2);
}

public sealed record EmpiricalFisherConfig(IReadOnlyList<double> StepSizes, IReadOnlyList<double> StartingPoints, int Steps = 50)
{
    public static EmpiricalFisherConfig Default { get; } = new([0.2, 0.5, 1.9], [0.5, 3.0]);
}

/// <summary>One (α, θ₀) pair: both iterations.</summary>
public sealed record EmpiricalFisherRun(double StepSize, double Theta0, double[] Exact, double[] Empirical)
{
    /// <summary>max |θ| over the last <paramref name="tail"/> iterates.</summary>
    public static double TailMax(double[] iterates, int tail) => iterates.TakeLast(tail).Max(Math.Abs);
}

public sealed record EmpiricalFisherResult(EmpiricalFisherConfig Config, IReadOnlyList<EmpiricalFisherRun> Runs);

public static class EmpiricalFisherExperiment
{
    public static EmpiricalFisherResult Run(EmpiricalFisherConfig? config = null)
    {
        var c = config ?? EmpiricalFisherConfig.Default;
        var runs = new List<EmpiricalFisherRun>();
        foreach (double a in c.StepSizes)
            foreach (double t0 in c.StartingPoints)
                runs.Add(new EmpiricalFisherRun(a, t0, EmpiricalFisher.Iterate(t0, a, c.Steps, false), EmpiricalFisher.Iterate(t0, a, c.Steps, true)));
        return new EmpiricalFisherResult(c, runs);
    }
}
