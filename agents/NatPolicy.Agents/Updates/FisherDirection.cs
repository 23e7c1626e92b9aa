using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Solvers;
using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Agents.Updates;

/// <summary>
/// s = (F + λI)⁻¹ g with F from an <see cref="IFisherEstimator"/> at the batch and a <see cref="IFisherSolver"/>:
/// dense Cholesky on the exact or empirical Fisher (NPG), or conjugate gradient on Fisher-vector products (TRPO).
/// A solver status other than converged/max-iterations, or a non-finite s, makes the direction unusable.
/// With <c>noiseShrinkage</c> the result also carries the James–Stein factor of <see cref="SignalFraction"/>.
/// A stateful estimator (K-FAC's running factors) is saved and loaded with it.
/// </summary>
public sealed class FisherDirection(IFisherEstimator estimator, IFisherSolver solver, double damping, bool noiseShrinkage = false)
    : IDampedDirection, ISnapshotable
{
    /// <summary>λ ≥ 0 added to F's diagonal; starts at the constructor's value.</summary>
    public double Damping { get; set; } = damping;

    public void Save(Snapshot into) => (estimator as ISnapshotable)?.Save(into);

    public void Load(SnapshotReader from) => (estimator as ISnapshotable)?.Load(from);

    private double[] _fs = [];
    private double[] _groups = [];
    private double[] _theta = [];
    private double[] _x = [];

    public DirectionResult Compute(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient, Span<double> direction)
    {
        var fisher = estimator.Build(policy, batch);
        direction.Clear();
        double damping = Damping;
        var solve = solver.Solve(fisher, damping, gradient, direction);
        if (!solve.IsUsable)
            return new DirectionResult(false, solve.Iterations, solve.Residual, double.NaN, $"solver stopped: {solve.Status}");
        if (!Vec.AllFinite(direction))
            return new DirectionResult(false, solve.Iterations, solve.Residual, double.NaN, "non-finite natural direction");
        double curvature = double.IsFinite(solve.Curvature) ? solve.Curvature : Curvature(fisher, damping, direction);
        double shrink = noiseShrinkage ? SignalFraction(policy, batch, fisher, Vec.Dot(gradient, direction)) : 1.0;
        return new DirectionResult(true, solve.Iterations, solve.Residual, curvature, null, shrink, damping);
    }

    /// <summary>sᵀ(F + λI)s with one product, for solvers that do not report it (direct solves: exact as computed here).</summary>
    private double Curvature(ILinearOperator fisher, double damping, ReadOnlySpan<double> s)
    {
        if (_fs.Length != s.Length) _fs = new double[s.Length];
        fisher.Apply(s, _fs);
        return Vec.Dot(s, _fs) + damping * Vec.Dot(s, s);
    }

    /// <summary>
    /// The positive-part James–Stein factor f = (1 − Ẑ/T)₊ of the natural gradient. The batch's n env copies are
    /// independent, so g = Σᵢ gᵢ with gᵢ the copy's share of the gradient, E gᵢ = μ/n. With the metric M = (F + λI)⁻¹,
    /// T = gᵀMg and Q = Σᵢ gᵢᵀMgᵢ have E T = μᵀMμ + Z and E Q = μᵀMμ/n + Z (Z: the noise, Σᵢ E eᵢᵀMeᵢ), so
    /// Ẑ = (nQ − T)/(n − 1) and f = n(T − Q)/((n − 1)T), clipped to [0, 1]. f ≈ 1 when the copies agree, ≈ 0 when
    /// the batch gradient is no larger than its own noise. Costs n extra solves (on the same operator: products reuse
    /// the batch's forward pass, a dense solver its factorisation) and one pass of per-copy score sums
    /// (<see cref="PolicyBatch.ScoreSums"/> over <see cref="RolloutBuffer.Rows"/>). 1 when n &lt; 2 or T is not positive.
    /// </summary>
    /// <param name="total">T = gᵀ(F + λI)⁻¹g, computed from the solved direction.</param>
    public double SignalFraction(IPolicy policy, RolloutBuffer batch, ILinearOperator fisher, double total)
    {
        int n = batch.Envs, p = policy.ParameterCount;
        if (n < 2 || !(total > 0) || !double.IsFinite(total)) return 1.0;
        if (_groups.Length != n * p)
        {
            _groups = new double[n * p];
            _theta = new double[p];
            _x = new double[p];
        }
        policy.GetParameters(_theta);
        batch.Rows(policy).ScoreSums(_theta, batch.Advantages, n, _groups);
        double q = 0;
        for (int i = 0; i < n; i++)
        {
            var gi = _groups.AsSpan(i * p, p);
            Array.Clear(_x);
            var solve = solver.Solve(fisher, Damping, gi, _x);
            if (!solve.IsUsable || !Vec.AllFinite(_x)) return 1.0;
            q += Vec.Dot(gi, _x);
        }
        double f = n * (total - q) / ((n - 1) * total);
        return double.IsFinite(f) ? Math.Clamp(f, 0.0, 1.0) : 1.0;
    }
}
