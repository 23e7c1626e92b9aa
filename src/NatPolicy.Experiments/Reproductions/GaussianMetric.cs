namespace NatPolicy.Experiments.Reproductions;

/// <summary>How a univariate Gaussian N(μ, v) (v the variance) is written as a parameter vector ξ = (ξ₁, ξ₂).</summary>
public enum GaussianCoordinates
{
    /// <summary>ξ = (μ, v).</summary>
    MeanVariance,

    /// <summary>ξ = (μ, τ), τ = 1/v.</summary>
    MeanPrecision,

    /// <summary>The exponential family's natural parameters ξ = (μ/v, −1/(2v)).</summary>
    Natural,
}

/// <summary>One pair of Gaussians of the distance table.</summary>
/// <param name="EuclideanMeanVariance">‖(μ₁, v₁) − (μ₂, v₂)‖.</param>
/// <param name="EuclideanMeanPrecision">‖(μ₁, 1/v₁) − (μ₂, 1/v₂)‖.</param>
/// <param name="Kl12">KL(N₁ ‖ N₂) in nats (the same in every parameterisation).</param>
public sealed record GaussianPair(double Mean1, double Variance1, double Mean2, double Variance2,
    double EuclideanMeanVariance, double EuclideanMeanPrecision, double Kl12, double Kl21);

/// <summary>A path of iterates, each mapped back to (μ, v); stops early if an iterate is not a Gaussian (v ≤ 0).</summary>
public sealed record GaussianPath(GaussianCoordinates Coordinates, bool Natural, double Step, double[] Means, double[] Variances);

/// <summary>
/// Salimbeni, Eleftheriadis &amp; Hensman (2018), §2: the Euclidean distance between parameters says little about how
/// far apart two distributions are, and the natural gradient, which measures steps by KL, does not depend on how the
/// Gaussian is parameterised. Everything here is closed form: KL(N(μ₁,v₁) ‖ N(μ₂,v₂)) = ½(v₁/v₂ + (μ₁−μ₂)²/v₂ − 1 + ln(v₂/v₁));
/// the loss of the fitting experiment is L(q) = KL(q ‖ p) for a Gaussian target p = N(m, s), with
/// ∂L/∂μ = (μ − m)/s, ∂L/∂v = ½(1/s − 1/v); the Fisher in (μ, v) is diag(1/v, 1/(2v²)); other coordinates get
/// gradient Jᵀ∇ and Fisher JᵀFJ through the Jacobian J = ∂(μ, v)/∂ξ.
/// </summary>
public static class GaussianMetric
{
    public static double Kl(double m1, double v1, double m2, double v2) =>
        0.5 * (v1 / v2 + (m1 - m2) * (m1 - m2) / v2 - 1 + Math.Log(v2 / v1));

    public static GaussianPair Pair(double m1, double v1, double m2, double v2) => new(m1, v1, m2, v2,
        Math.Sqrt((m1 - m2) * (m1 - m2) + (v1 - v2) * (v1 - v2)),
        Math.Sqrt((m1 - m2) * (m1 - m2) + (1 / v1 - 1 / v2) * (1 / v1 - 1 / v2)),
        Kl(m1, v1, m2, v2), Kl(m2, v2, m1, v1));

    /// <summary>The paper's pairs read as variances: N(0, 0.1) vs N(0, 0.2) and N(0, 1000.1) vs N(0, 1000.2).</summary>
    public static IReadOnlyList<GaussianPair> PaperPairs() => [Pair(0, 0.1, 0, 0.2), Pair(0, 1000.1, 0, 1000.2)];

    /// <summary>ξ of N(μ, v) in the given coordinates.</summary>
    public static (double, double) ToCoordinates(GaussianCoordinates c, double mean, double variance) => c switch
    {
        GaussianCoordinates.MeanVariance => (mean, variance),
        GaussianCoordinates.MeanPrecision => (mean, 1 / variance),
        _ => (mean / variance, -0.5 / variance),
    };

    /// <summary>(μ, v) of ξ; v ≤ 0 or NaN when ξ is not a Gaussian.</summary>
    public static (double Mean, double Variance) FromCoordinates(GaussianCoordinates c, double x1, double x2) => c switch
    {
        GaussianCoordinates.MeanVariance => (x1, x2),
        GaussianCoordinates.MeanPrecision => (x1, 1 / x2),
        _ => (-x1 / (2 * x2), -0.5 / x2),
    };

    /// <summary>J = ∂(μ, v)/∂ξ as (J11, J12, J21, J22).</summary>
    private static (double, double, double, double) Jacobian(GaussianCoordinates c, double x1, double x2) => c switch
    {
        GaussianCoordinates.MeanVariance => (1, 0, 0, 1),
        GaussianCoordinates.MeanPrecision => (1, 0, 0, -1 / (x2 * x2)),
        _ => (-1 / (2 * x2), x1 / (2 * x2 * x2), 0, 1 / (2 * x2 * x2)),
    };

    /// <summary>
    /// One step from ξ on L = KL(q ‖ N(m, s)): vanilla ξ − ρ∇_ξL, natural ξ − ρ F_ξ⁻¹∇_ξL.
    /// </summary>
    public static (double, double) Step(GaussianCoordinates c, bool natural, double step, double x1, double x2, double targetMean, double targetVariance)
    {
        var (mu, v) = FromCoordinates(c, x1, x2);
        double gm = (mu - targetMean) / targetVariance, gv = 0.5 * (1 / targetVariance - 1 / v);
        var (j11, j12, j21, j22) = Jacobian(c, x1, x2);
        double g1 = j11 * gm + j21 * gv, g2 = j12 * gm + j22 * gv;
        if (!natural) return (x1 - step * g1, x2 - step * g2);
        // F_ξ = Jᵀ diag(1/v, 1/(2v²)) J.
        double a = 1 / v, b = 1 / (2 * v * v);
        double f11 = j11 * j11 * a + j21 * j21 * b, f12 = j11 * j12 * a + j21 * j22 * b, f22 = j12 * j12 * a + j22 * j22 * b;
        double det = f11 * f22 - f12 * f12;
        return (x1 - step * (f22 * g1 - f12 * g2) / det, x2 - step * (f11 * g2 - f12 * g1) / det);
    }

    /// <summary><paramref name="steps"/> iterates from N(μ₀, v₀) toward N(m, s), in (μ, v); stops at the first iterate that is not a Gaussian.</summary>
    public static GaussianPath Path(GaussianCoordinates c, bool natural, double step, int steps,
        double mean0, double variance0, double targetMean, double targetVariance)
    {
        var means = new List<double> { mean0 };
        var variances = new List<double> { variance0 };
        var (x1, x2) = ToCoordinates(c, mean0, variance0);
        for (int k = 0; k < steps; k++)
        {
            (x1, x2) = Step(c, natural, step, x1, x2, targetMean, targetVariance);
            var (mu, v) = FromCoordinates(c, x1, x2);
            if (!(v > 0) || !double.IsFinite(mu) || !double.IsFinite(v)) break;
            means.Add(mu);
            variances.Add(v);
        }
        return new GaussianPath(c, natural, step, means.ToArray(), variances.ToArray());
    }

    /// <summary>
    /// The largest KL (either direction) between the one-step results of the three coordinate systems from the same
    /// N(μ₀, v₀): O(ρ⁴) for the natural step (the steps agree to first order, so the distributions differ by O(ρ²)),
    /// O(ρ²) for the vanilla step.
    /// </summary>
    public static double OneStepSpread(bool natural, double step, double mean0, double variance0, double targetMean, double targetVariance)
    {
        var ends = Enum.GetValues<GaussianCoordinates>().Select(c =>
        {
            var (x1, x2) = ToCoordinates(c, mean0, variance0);
            var (y1, y2) = Step(c, natural, step, x1, x2, targetMean, targetVariance);
            return FromCoordinates(c, y1, y2);
        }).ToArray();
        double worst = 0;
        foreach (var p in ends)
            foreach (var q in ends)
                worst = Math.Max(worst, p.Variance > 0 && q.Variance > 0 ? Kl(p.Mean, p.Variance, q.Mean, q.Variance) : double.PositiveInfinity);
        return worst;
    }
}
