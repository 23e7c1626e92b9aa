namespace NatPolicy.Core;

/// <summary>How a linear solve ended.</summary>
public enum SolveStatus
{
    /// <summary>The residual reached the tolerance (or the solver is direct and succeeded).</summary>
    Converged,

    /// <summary>The iteration limit was hit first; x holds the last iterate (finite, usable as a truncated solve).</summary>
    MaxIterations,

    /// <summary>A search direction with pᵀ(A + λI)p ≤ 0 appeared: the operator is not positive definite. x holds the last good iterate (zero if none).</summary>
    NonPositiveCurvature,

    /// <summary>The operator, right-hand side or an iterate produced NaN/∞. x holds the last good iterate (zero if none).</summary>
    NonFinite,

    /// <summary>A direct factorisation (Cholesky) found the matrix not symmetric positive definite. x is zero.</summary>
    NotPositiveDefinite,
}

/// <summary>
/// Outcome of a solve of (A + λI) x = b. <paramref name="Residual"/> is ‖b − (A + λI) x‖₂ for the returned x (for CG the
/// recursively updated residual, which equals the true one up to rounding). <paramref name="Curvature"/> is
/// xᵀ(A + λI)x of the returned x when the solver has it from its own quantities without another product (CG:
/// Σₖ αₖ‖rₖ‖², exact in exact arithmetic because the search directions are (A + λI)-conjugate), NaN otherwise.
/// </summary>
public readonly record struct SolveResult(SolveStatus Status, int Iterations, double Residual, double Curvature = double.NaN)
{
    /// <summary>True when x is a usable (finite, possibly truncated) solution: Converged or MaxIterations.</summary>
    public bool IsUsable => Status is SolveStatus.Converged or SolveStatus.MaxIterations;
}

/// <summary>
/// Matrix-free conjugate gradient for (A + λI) x = b with A symmetric (e.g. a Fisher-vector product), starting from
/// x₀ = 0. Owns its workspace (four vectors of length n, regrown only when n changes), so a solve allocates nothing.
/// Stops when ‖r‖₂ ≤ <see cref="Tolerance"/> · ‖b‖₂, after <see cref="MaxIterations"/> products, or on a breakdown
/// (non-positive curvature, non-finite values), and never writes NaN or ∞ into x.
/// Not thread-safe.
/// </summary>
public sealed class ConjugateGradient
{
    public const int DefaultMaxIterations = 10;
    public const double DefaultTolerance = 1e-10;

    private double[] _r = [];
    private double[] _p = [];
    private double[] _ap = [];
    private double[] _xGood = [];

    public ConjugateGradient(int maxIterations = DefaultMaxIterations, double tolerance = DefaultTolerance)
    {
        if (maxIterations < 1) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "CG needs at least one iteration.");
        if (!(tolerance >= 0) || double.IsInfinity(tolerance))
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "CG tolerance must be finite and ≥ 0.");
        MaxIterations = maxIterations;
        Tolerance = tolerance;
    }

    /// <summary>Maximum number of operator products (= iterations), ≥ 1.</summary>
    public int MaxIterations { get; }

    /// <summary>Relative residual tolerance: stop when ‖r‖₂ ≤ Tolerance · ‖b‖₂.</summary>
    public double Tolerance { get; }

    /// <summary>Solves (A + damping·I) x = b. x is overwritten (the start is always 0).</summary>
    public SolveResult Solve(ILinearOperator a, double damping, ReadOnlySpan<double> b, Span<double> x)
    {
        int n = a.Dimension;
        if (b.Length != n || x.Length != n)
            throw new ArgumentException($"CG: operator dimension {n}, but b has length {b.Length} and x has length {x.Length}.");
        if (double.IsNaN(damping) || double.IsInfinity(damping))
            throw new ArgumentOutOfRangeException(nameof(damping), damping, "damping must be finite.");
        EnsureWorkspace(n);
        Span<double> r = _r.AsSpan(0, n), p = _p.AsSpan(0, n), ap = _ap.AsSpan(0, n), xGood = _xGood.AsSpan(0, n);

        x.Clear();
        double bNorm2 = Dot(b, b);
        if (!double.IsFinite(bNorm2)) return new SolveResult(SolveStatus.NonFinite, 0, double.NaN);
        double threshold2 = Tolerance * Tolerance * bNorm2;
        b.CopyTo(r);
        b.CopyTo(p);
        double rr = bNorm2;
        double curvature = 0; // xᵀ(A + λI)x of the current x: Σ αₖ rₖᵀrₖ (αₖ² pₖᵀ(A + λI)pₖ, the pₖ being conjugate)
        if (rr <= threshold2) return new SolveResult(SolveStatus.Converged, 0, Math.Sqrt(rr), curvature);

        for (int k = 0; k < MaxIterations; k++)
        {
            a.Apply(p, ap);
            if (damping != 0)
                for (int i = 0; i < n; i++) ap[i] += damping * p[i];
            double pap = Dot(p, ap);
            if (!double.IsFinite(pap)) return new SolveResult(SolveStatus.NonFinite, k, Math.Sqrt(rr), curvature);
            if (pap <= 0) return new SolveResult(SolveStatus.NonPositiveCurvature, k, Math.Sqrt(rr), curvature);
            double alpha = rr / pap;
            if (!double.IsFinite(alpha)) return new SolveResult(SolveStatus.NonFinite, k, Math.Sqrt(rr), curvature);

            x.CopyTo(xGood);
            for (int i = 0; i < n; i++)
            {
                x[i] += alpha * p[i];
                r[i] -= alpha * ap[i];
            }
            double rrNew = Dot(r, r);
            if (!double.IsFinite(rrNew) || !IsFinite(x))
            {
                xGood.CopyTo(x);
                return new SolveResult(SolveStatus.NonFinite, k, Math.Sqrt(rr), curvature);
            }
            curvature += alpha * rr;
            if (rrNew <= threshold2) return new SolveResult(SolveStatus.Converged, k + 1, Math.Sqrt(rrNew), curvature);
            double beta = rrNew / rr;
            for (int i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
            rr = rrNew;
        }
        return new SolveResult(SolveStatus.MaxIterations, MaxIterations, Math.Sqrt(rr), curvature);
    }

    private void EnsureWorkspace(int n)
    {
        if (_r.Length == n) return;
        _r = new double[n];
        _p = new double[n];
        _ap = new double[n];
        _xGood = new double[n];
    }

    private static double Dot(ReadOnlySpan<double> u, ReadOnlySpan<double> v)
    {
        double s = 0;
        for (int i = 0; i < u.Length; i++) s += u[i] * v[i];
        return s;
    }

    private static bool IsFinite(ReadOnlySpan<double> v)
    {
        for (int i = 0; i < v.Length; i++)
            if (!double.IsFinite(v[i])) return false;
        return true;
    }
}

/// <summary>A + λI for a symmetric operator A (λ = <see cref="Damping"/>). Allocates nothing per product.</summary>
public sealed class DampedOperator(ILinearOperator inner, double damping) : ILinearOperator
{
    public ILinearOperator Inner { get; } = inner;
    public double Damping { get; } = damping;
    public int Dimension => Inner.Dimension;

    public void Apply(ReadOnlySpan<double> x, Span<double> result)
    {
        Inner.Apply(x, result);
        if (Damping == 0) return;
        for (int i = 0; i < x.Length; i++) result[i] += Damping * x[i];
    }
}
