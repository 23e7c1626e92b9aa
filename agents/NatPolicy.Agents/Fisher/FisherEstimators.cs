using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using NatPolicy.Agents.Policies;
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
/// without damping (solvers add λI). It is a snapshot: later changes of the policy's θ do not affect it. The
/// matrix-free operator keeps a reference to the batch's observations: do not change them while using it.
/// </summary>
public interface IFisherEstimator
{
    FisherKind Kind { get; }

    ILinearOperator Build(IPolicy policy, ReadOnlyMemory<double> observations, ReadOnlyMemory<double> actions, int count);
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

    /// <summary>Replaces the values by (A + Aᵀ)/2 to remove rounding asymmetry.</summary>
    internal void Symmetrize()
    {
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

/// <summary>F = (1/N) Σ sᵢ sᵢᵀ with sᵢ = ∇θ log π(aᵢ|sᵢ) of the sampled actions (Kakade 2002). Works for any <see cref="IPolicy"/>.</summary>
public sealed class EmpiricalFisherEstimator : IFisherEstimator
{
    public FisherKind Kind => FisherKind.Empirical;

    public ILinearOperator Build(IPolicy policy, ReadOnlyMemory<double> observations, ReadOnlyMemory<double> actions, int count)
    {
        FisherEstimators.CheckBatch(policy, observations, actions, count, needActions: true);
        int p = policy.ParameterCount;
        var scores = new double[count * p]; // row-major N×P = column-major P×N, i.e. Sᵀ
        policy.Scores(observations.Span, actions.Span, count, scores);
        MathNet.Numerics.Control.UseSingleThread();
        var st = new DenseMatrix(p, count, scores);
        Matrix<double> f = st.TransposeAndMultiply(st); // Sᵀ S
        f.Multiply(1.0 / count, f);
        var fisher = new DenseFisher(p, ((DenseMatrix)f).Values);
        fisher.Symmetrize();
        return fisher;
    }
}

/// <summary>F = (1/N) Σᵢ Jᵢᵀ M(sᵢ) Jᵢ (+ 2 on log-std diagonals) formed densely: the analytic expectation over actions per state.</summary>
public sealed class ExactFisherEstimator : IFisherEstimator
{
    public FisherKind Kind => FisherKind.Exact;

    public ILinearOperator Build(IPolicy policy, ReadOnlyMemory<double> observations, ReadOnlyMemory<double> actions, int count)
    {
        IDifferentiablePolicy dp = FisherEstimators.RequireDifferentiable(policy, Kind);
        FisherEstimators.CheckBatch(policy, observations, actions, count, needActions: false);
        int p = dp.ParameterCount, n = dp.ObservationDimension;
        var values = new double[p * p];
        ReadOnlySpan<double> obs = observations.Span;
        for (int i = 0; i < count; i++) dp.AddExactFisher(obs.Slice(i * n, n), 1.0 / count, values);
        var fisher = new DenseFisher(p, values);
        fisher.Symmetrize();
        return fisher;
    }
}

/// <summary>Matrix-free exact Fisher: each product costs one forward, one JVP and one VJP per state.</summary>
public sealed class MatrixFreeFisherEstimator : IFisherEstimator
{
    public FisherKind Kind => FisherKind.MatrixFree;

    public ILinearOperator Build(IPolicy policy, ReadOnlyMemory<double> observations, ReadOnlyMemory<double> actions, int count)
    {
        IDifferentiablePolicy dp = FisherEstimators.RequireDifferentiable(policy, Kind);
        FisherEstimators.CheckBatch(policy, observations, actions, count, needActions: false);
        return new MatrixFreeFisher((IDifferentiablePolicy)dp.Clone(), observations, count);
    }
}

/// <summary>
/// v ↦ F v = (1/N) Σᵢ Jᵢᵀ M(sᵢ) Jᵢ v (+ 2 v on log-std entries) at the θ of the policy it holds, over the first
/// <see cref="Count"/> rows of the observations. Allocates nothing per product.
/// </summary>
public sealed class MatrixFreeFisher(IDifferentiablePolicy policy, ReadOnlyMemory<double> observations, int count) : ILinearOperator
{
    public IDifferentiablePolicy Policy { get; } = policy;
    public int Count { get; } = count;
    public int Dimension => Policy.ParameterCount;

    public void Apply(ReadOnlySpan<double> x, Span<double> result)
    {
        int n = Policy.ObservationDimension;
        ReadOnlySpan<double> obs = observations.Span;
        result[..Dimension].Clear();
        double scale = 1.0 / Count;
        for (int i = 0; i < Count; i++) Policy.AddFisherVectorProduct(obs.Slice(i * n, n), x, scale, result);
    }
}
