using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using NatPolicy.Agents.Policies;
using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Agents.Fisher;

/// <summary>Which Fisher information estimate a natural-gradient step uses.</summary>
public enum FisherKind
{
    /// <summary>F = (1/N) Σ sᵢ sᵢᵀ from the scores of the sampled actions (Kakade 2002). Dense.</summary>
    Empirical,

    /// <summary>F = (1/N) Σ E_{a~π(·|sᵢ)}[s sᵀ] in closed form per state. Dense.</summary>
    Exact,

    /// <summary>v ↦ F v with the exact per-state expectation via JVP/VJP, never forming F.</summary>
    MatrixFree,

    /// <summary>
    /// K-FAC: per-layer Kronecker factors A ⊗ G of an MLP's Fisher (<see cref="KfacEstimator"/>), solved only by its own
    /// factored inverse (<see cref="Solvers.KfacSolver"/>). Chosen by <c>algo.curvature = "kfac"</c>, not by <c>fisher</c>.
    /// </summary>
    Kfac,
}

/// <summary>
/// Builds the Fisher information of a policy at its current θ over a batch (observations count×n, actions
/// count×d, row-major; actions are used by <see cref="FisherKind.Empirical"/> only). The operator is F itself,
/// without damping (solvers add λI). It is a snapshot: later changes of the policy's θ do not affect it. An
/// estimator may return the same operator object from every Build (refilled or re-aimed, so that an iteration
/// allocates nothing): use it before the next Build on the same estimator. The matrix-free operator reads the rows
/// of a <see cref="PolicyBatch"/>: do not reload that batch while using it.
/// </summary>
public interface IFisherEstimator
{
    FisherKind Kind { get; }

    ILinearOperator Build(IPolicy policy, ReadOnlyMemory<double> observations, ReadOnlyMemory<double> actions, int count);

    /// <summary>F at the policy's current θ over a rollout's rows; estimators override it to share the rollout's <see cref="RolloutBuffer.Rows"/>.</summary>
    ILinearOperator Build(IPolicy policy, RolloutBuffer batch) => Build(policy, batch.Observations, batch.Actions, batch.Count);
}

public static class FisherEstimators
{
    public static IFisherEstimator Create(FisherKind kind) => kind switch
    {
        FisherKind.Empirical => new EmpiricalFisherEstimator(),
        FisherKind.Exact => new ExactFisherEstimator(),
        FisherKind.MatrixFree => new MatrixFreeFisherEstimator(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown Fisher kind."),
    };

    /// <summary>The one spelling of each kind, in config files and on the command line.</summary>
    public static IReadOnlyList<string> Names { get; } = ["exact", "empirical", "matrix-free"];

    /// <summary>The spelling of <paramref name="kind"/>: "exact", "empirical" or "matrix-free".</summary>
    public static string Name(FisherKind kind) => kind switch
    {
        FisherKind.Exact => "exact",
        FisherKind.Empirical => "empirical",
        FisherKind.MatrixFree => "matrix-free",
        FisherKind.Kfac => "kfac",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown Fisher kind."),
    };

    /// <summary>Parses exactly "exact", "empirical" or "matrix-free" (one spelling each, as <see cref="Names"/>); null otherwise.</summary>
    public static FisherKind? Parse(string text) => text switch
    {
        "empirical" => FisherKind.Empirical,
        "exact" => FisherKind.Exact,
        "matrix-free" => FisherKind.MatrixFree,
        _ => null,
    };

    internal static void CheckBatch(IPolicy policy, ReadOnlyMemory<double> observations, ReadOnlyMemory<double> actions, int count, bool needActions)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "a Fisher estimate needs at least one state.");
        if (observations.Length < count * policy.ObservationDimension)
            throw new ArgumentException($"observations hold {observations.Length} values; {count} rows of {policy.ObservationDimension} need {count * policy.ObservationDimension}.", nameof(observations));
        if (needActions && actions.Length < count * policy.ActionSpace.Dimension)
            throw new ArgumentException($"actions hold {actions.Length} values; {count} rows of {policy.ActionSpace.Dimension} need {count * policy.ActionSpace.Dimension}.", nameof(actions));
    }

    /// <summary>The estimator's dense matrix when it has dimension <paramref name="p"/>, else a new one.</summary>
    internal static DenseFisher Reuse(ref DenseFisher? fisher, int p)
    {
        if (fisher is null || fisher.Dimension != p) fisher = new DenseFisher(p, new double[p * p]);
        return fisher;
    }

    /// <summary>The estimator's own batch of <paramref name="policy"/> holding these rows (loaded only when they differ).</summary>
    internal static PolicyBatch Load(ref PolicyBatch? own, IPolicy policy, ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, int count)
    {
        if (own is null || !ReferenceEquals(own.Policy, policy) || own.Capacity < count) own = policy.CreateBatch(count);
        if (!own.Holds(observations, actions, count)) own.Load(observations, actions, count);
        return own;
    }

    internal static IDifferentiablePolicy RequireDifferentiable(IPolicy policy, FisherKind kind) =>
        policy as IDifferentiablePolicy ?? throw new ArgumentException(
            $"the {kind} Fisher needs an {nameof(IDifferentiablePolicy)} (feature map + head); got {policy.GetType().Name}.", nameof(policy));
}

/// <summary>A dense symmetric P×P Fisher matrix (MathNet, column-major storage) as an operator.</summary>
public sealed class DenseFisher : ILinearOperator
{
    private readonly double[] _values;

    /// <summary>Wraps a symmetric matrix stored in <paramref name="values"/> (P×P; row- and column-major agree).</summary>
    public DenseFisher(int dimension, double[] values)
    {
        if (values.Length != dimension * dimension)
            throw new ArgumentException($"a {dimension}×{dimension} matrix needs {dimension * dimension} values, got {values.Length}.", nameof(values));
        Dimension = dimension;
        _values = values;
        Matrix = new DenseMatrix(dimension, dimension, values);
    }

    public int Dimension { get; }

    /// <summary>F itself (shares storage with the operator; do not modify).</summary>
    public Matrix<double> Matrix { get; }

    public void Apply(ReadOnlySpan<double> x, Span<double> result)
    {
        int p = Dimension;
        for (int i = 0; i < p; i++)
        {
            ReadOnlySpan<double> row = _values.AsSpan(i * p, p);
            double s = 0;
            for (int j = 0; j < p; j++) s += row[j] * x[j];
            result[i] = s;
        }
    }

    /// <summary>The P×P values (row-major = column-major: symmetric), for the estimator that fills them.</summary>
    internal Span<double> Values => _values;

    /// <summary>Bumped whenever the values change (<see cref="Changed"/>), so solvers may keep a factorisation of one version.</summary>
    public int Version { get; private set; }

    /// <summary>Marks the values as changed.</summary>
    internal void Changed() => Version++;

    /// <summary>Replaces the values by (A + Aᵀ)/2 to remove rounding asymmetry (and marks them changed).</summary>
    internal void Symmetrize()
    {
        Changed();
        int p = Dimension;
        for (int i = 0; i < p; i++)
            for (int j = i + 1; j < p; j++)
            {
                double m = 0.5 * (_values[i * p + j] + _values[j * p + i]);
                _values[i * p + j] = m;
                _values[j * p + i] = m;
            }
    }
}

/// <summary>
/// F = (1/N) Σ sᵢ sᵢᵀ with sᵢ = ∇θ log π(aᵢ|sᵢ) of the sampled actions (Kakade 2002). Works for any <see cref="IPolicy"/>.
/// Each entry is Σᵢ s_ia s_ib summed in increasing i, then multiplied by 1/N. The returned operator is this estimator's
/// one matrix, overwritten by its next Build; nothing is allocated after the first Build of a given size.
/// </summary>
public sealed class EmpiricalFisherEstimator : IFisherEstimator
{
    private double[] _scores = [];
    private double[] _theta = [];
    private DenseFisher? _fisher;
    private PolicyBatch? _own;

    public FisherKind Kind => FisherKind.Empirical;

    public ILinearOperator Build(IPolicy policy, ReadOnlyMemory<double> observations, ReadOnlyMemory<double> actions, int count)
    {
        FisherEstimators.CheckBatch(policy, observations, actions, count, needActions: true);
        return Build(policy, FisherEstimators.Load(ref _own, policy, observations.Span, actions.Span, count));
    }

    public ILinearOperator Build(IPolicy policy, RolloutBuffer batch) => Build(policy, batch.Rows(policy));

    private DenseFisher Build(IPolicy policy, PolicyBatch rows)
    {
        int p = policy.ParameterCount, count = rows.Count;
        if (_theta.Length != p) _theta = new double[p];
        if (_scores.Length < count * p) _scores = new double[count * p];
        policy.GetParameters(_theta);
        rows.Scores(_theta, _scores);
        DenseFisher fisher = FisherEstimators.Reuse(ref _fisher, p);
        Span<double> f = fisher.Values;
        ReadOnlySpan<double> scores = _scores.AsSpan(0, count * p);
        for (int a = 0; a < p; a++)
            for (int b = a; b < p; b++)
            {
                double sum = 0;
                for (int i = 0; i < count; i++) sum += scores[i * p + a] * scores[i * p + b];
                f[a * p + b] = f[b * p + a] = sum * (1.0 / count);
            }
        fisher.Changed();
        return fisher;
    }
}

/// <summary>
/// F = (1/N) Σᵢ Jᵢᵀ M(sᵢ) Jᵢ (+ 2 on log-std diagonals) formed densely: the analytic expectation over actions per
/// state. The returned operator is this estimator's one matrix, overwritten by its next Build; nothing is allocated
/// after the first Build of a given size.
/// </summary>
public sealed class ExactFisherEstimator : IFisherEstimator
{
    private DenseFisher? _fisher;

    public FisherKind Kind => FisherKind.Exact;

    public ILinearOperator Build(IPolicy policy, ReadOnlyMemory<double> observations, ReadOnlyMemory<double> actions, int count)
    {
        IDifferentiablePolicy dp = FisherEstimators.RequireDifferentiable(policy, Kind);
        FisherEstimators.CheckBatch(policy, observations, actions, count, needActions: false);
        int p = dp.ParameterCount, n = dp.ObservationDimension;
        DenseFisher fisher = FisherEstimators.Reuse(ref _fisher, p);
        Span<double> values = fisher.Values;
        values.Clear();
        ReadOnlySpan<double> obs = observations.Span;
        for (int i = 0; i < count; i++) dp.AddExactFisher(obs.Slice(i * n, n), 1.0 / count, values);
        fisher.Symmetrize();
        return fisher;
    }
}

/// <summary>
/// Matrix-free exact Fisher: products through <see cref="PolicyBatch.FisherVectorProduct"/> at the θ of the Build,
/// reusing the batch's forward pass. The returned operator is this estimator's one operator, re-aimed by its next
/// Build; nothing is allocated after the first Build.
/// </summary>
public sealed class MatrixFreeFisherEstimator : IFisherEstimator
{
    private MatrixFreeFisher? _fisher;
    private PolicyBatch? _own;

    public FisherKind Kind => FisherKind.MatrixFree;

    public ILinearOperator Build(IPolicy policy, ReadOnlyMemory<double> observations, ReadOnlyMemory<double> actions, int count)
    {
        FisherEstimators.RequireDifferentiable(policy, Kind);
        FisherEstimators.CheckBatch(policy, observations, actions, count, needActions: false);
        return Build(policy, FisherEstimators.Load(ref _own, policy, observations.Span, [], count));
    }

    public ILinearOperator Build(IPolicy policy, RolloutBuffer batch)
    {
        FisherEstimators.RequireDifferentiable(policy, Kind);
        return Build(policy, batch.Rows(policy));
    }

    private MatrixFreeFisher Build(IPolicy policy, PolicyBatch rows)
    {
        if (_fisher is null || _fisher.Dimension != policy.ParameterCount) _fisher = new MatrixFreeFisher(policy.ParameterCount);
        _fisher.Aim(policy, rows);
        return _fisher;
    }
}

/// <summary>
/// v ↦ F v = (1/N) Σᵢ Jᵢᵀ M(sᵢ) Jᵢ v (+ 2 v on log-std entries) over the rows of a <see cref="PolicyBatch"/>, at the θ
/// the policy had when the operator was aimed (a copy: later changes of the policy's θ do not affect it). Allocates
/// nothing per product.
/// </summary>
public sealed class MatrixFreeFisher : ILinearOperator
{
    private readonly double[] _theta;
    private PolicyBatch? _rows;

    /// <summary>An operator for policies of <paramref name="dimension"/> parameters; <see cref="Aim"/> it before use.</summary>
    public MatrixFreeFisher(int dimension) => _theta = new double[dimension];

    public int Dimension => _theta.Length;

    /// <summary>The rows the products average over.</summary>
    public PolicyBatch Rows => _rows ?? throw new InvalidOperationException("the operator has not been aimed at a batch yet.");

    /// <summary>Rows in the average (N).</summary>
    public int Count => Rows.Count;

    /// <summary>Products from now on: at <paramref name="policy"/>'s current θ over <paramref name="rows"/> (one of its batches).</summary>
    public void Aim(IPolicy policy, PolicyBatch rows)
    {
        if (policy.ParameterCount != _theta.Length)
            throw new ArgumentException($"this operator has dimension {_theta.Length}; the policy has {policy.ParameterCount} parameters.", nameof(policy));
        policy.GetParameters(_theta);
        _rows = rows;
    }

    public void Apply(ReadOnlySpan<double> x, Span<double> result) => Rows.FisherVectorProduct(_theta, x, result);
}
