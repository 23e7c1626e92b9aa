using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using NatPolicy.Agents.Fisher;
using NatPolicy.Core;

namespace NatPolicy.Agents.Solvers;

/// <summary>Which method solves (F + λI) x = g.</summary>
public enum SolverKind
{
    /// <summary>Dense Cholesky (MathNet); needs F + λI symmetric positive definite.</summary>
    Cholesky,

    /// <summary>Dense symmetric eigendecomposition, x = (F + λI)⁺ g: the minimum-norm solution when F is singular.</summary>
    PseudoInverse,

    /// <summary>Matrix-free conjugate gradient (<see cref="ConjugateGradient"/>).</summary>
    ConjugateGradient,

    /// <summary>The K-FAC factored inverse (<see cref="KfacSolver"/>); only for a <see cref="KroneckerFactoredFisher"/>.</summary>
    Kfac,
}

/// <summary>
/// Solves (F + λI) x = g for the natural-gradient direction x. Never throws for numerical trouble and never leaves
/// NaN/∞ in x: failures come back as a <see cref="SolveStatus"/> (x is then zero or the last good CG iterate).
/// Throws only for mismatched lengths or a non-finite damping. Not thread-safe (solvers own workspaces).
/// </summary>
public interface IFisherSolver
{
    SolverKind Kind { get; }

    SolveResult Solve(ILinearOperator fisher, double damping, ReadOnlySpan<double> g, Span<double> x);
}

public static class FisherSolvers
{
    /// <summary>
    /// A solver of the given kind. <paramref name="maxIterations"/> and <paramref name="tolerance"/> (relative residual)
    /// are used by conjugate gradient; <paramref name="pseudoInverseCutoff"/> by the pseudo-inverse.
    /// </summary>
    public static IFisherSolver Create(SolverKind kind, int maxIterations = NatPolicy.Core.ConjugateGradient.DefaultMaxIterations,
        double tolerance = NatPolicy.Core.ConjugateGradient.DefaultTolerance, double pseudoInverseCutoff = PseudoInverseSolver.DefaultRelativeCutoff) => kind switch
    {
        SolverKind.Cholesky => new CholeskySolver(),
        SolverKind.PseudoInverse => new PseudoInverseSolver(pseudoInverseCutoff),
        SolverKind.ConjugateGradient => new ConjugateGradientSolver(maxIterations, tolerance),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown solver kind."),
    };

    /// <summary>The one spelling of each kind, in config files and on the command line.</summary>
    public static IReadOnlyList<string> Names { get; } = ["cholesky", "pinv", "cg"];

    /// <summary>The spelling of <paramref name="kind"/>: "cholesky", "pinv" or "cg".</summary>
    public static string Name(SolverKind kind) => kind switch
    {
        SolverKind.Cholesky => "cholesky",
        SolverKind.PseudoInverse => "pinv",
        SolverKind.ConjugateGradient => "cg",
        SolverKind.Kfac => "kfac",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown solver kind."),
    };

    /// <summary>Parses exactly "cholesky", "pinv" or "cg" (one spelling each, as <see cref="Names"/>); null otherwise.</summary>
    public static SolverKind? Parse(string text) => text switch
    {
        "cholesky" => SolverKind.Cholesky,
        "pinv" => SolverKind.PseudoInverse,
        "cg" => SolverKind.ConjugateGradient,
        _ => null,
    };

    /// <summary>
    /// The dense matrix of a symmetric operator: a <see cref="DenseFisher"/>'s own matrix (copied), otherwise
    /// formed column by column with P products.
    /// </summary>
    public static Matrix<double> ToDense(ILinearOperator op)
    {
        if (op is DenseFisher dense) return dense.Matrix.Clone();
        int p = op.Dimension;
        var m = new DenseMatrix(p, p);
        double[] values = m.Values;
        var e = new double[p];
        for (int j = 0; j < p; j++)
        {
            e[j] = 1;
            op.Apply(e, values.AsSpan(j * p, p)); // column j = A e_j
            e[j] = 0;
        }
        return m;
    }

    internal static void CheckLengths(ILinearOperator fisher, ReadOnlySpan<double> g, Span<double> x, double damping)
    {
        int p = fisher.Dimension;
        if (g.Length != p || x.Length != p)
            throw new ArgumentException($"Fisher solve: operator dimension {p}, but g has length {g.Length} and x has length {x.Length}.");
        if (!double.IsFinite(damping)) throw new ArgumentOutOfRangeException(nameof(damping), damping, "damping must be finite.");
    }

    internal static bool AllFinite(ReadOnlySpan<double> v)
    {
        foreach (double d in v)
            if (!double.IsFinite(d)) return false;
        return true;
    }

    /// <summary>(F + λI) with F dense, and whether every entry is finite.</summary>
    internal static Matrix<double> Damped(ILinearOperator fisher, double damping, out bool finite)
    {
        MathNet.Numerics.Control.UseSingleThread();
        Matrix<double> a = ToDense(fisher);
        if (damping != 0)
            for (int i = 0; i < a.RowCount; i++) a[i, i] += damping;
        finite = AllFinite(((DenseMatrix)a).Values);
        return a;
    }

    /// <summary>
    /// a (P×P, column-major) = F + λI: a <see cref="DenseFisher"/>'s values copied, otherwise column j = F e_j by P
    /// products (<paramref name="e"/>: scratch of length P). Returns whether every entry is finite.
    /// </summary>
    internal static bool DampedInto(ILinearOperator fisher, double damping, Span<double> a, Span<double> e)
    {
        int p = fisher.Dimension;
        if (fisher is DenseFisher dense) dense.Values.CopyTo(a);
        else
        {
            e.Clear();
            for (int j = 0; j < p; j++)
            {
                e[j] = 1;
                fisher.Apply(e, a.Slice(j * p, p));
                e[j] = 0;
            }
        }
        if (damping != 0)
            for (int i = 0; i < p; i++) a[i * p + i] += damping;
        return AllFinite(a[..(p * p)]);
    }

    internal static double ResidualNorm(Matrix<double> a, Vector<double> x, ReadOnlySpan<double> g)
    {
        Vector<double> r = a * x;
        double s = 0;
        for (int i = 0; i < g.Length; i++)
        {
            double d = g[i] - r[i];
            s += d * d;
        }
        return Math.Sqrt(s);
    }
}

/// <summary>
/// Dense Cholesky solve of (F + λI) x = g on the solver's own buffers (nothing allocated after the first solve of a
/// given size). Not positive definite → <see cref="SolveStatus.NotPositiveDefinite"/>, x = 0. The factorisation of a
/// <see cref="DenseFisher"/> is kept for further solves with the same matrix version and λ (noise shrinkage solves
/// n more right-hand sides). <see cref="DenseCholesky"/> keeps the bits of MathNet's <c>Matrix.Cholesky().Solve</c>.
/// </summary>
public sealed class CholeskySolver : IFisherSolver
{
    private double[] _a = [];      // F + λI, column-major
    private double[] _factor = []; // L in the lower triangle, column-major
    private double[] _column = [];
    private ILinearOperator? _factored;
    private int _version;
    private double _damping;
    private SolveStatus _status;

    public SolverKind Kind => SolverKind.Cholesky;

    public SolveResult Solve(ILinearOperator fisher, double damping, ReadOnlySpan<double> g, Span<double> x)
    {
        FisherSolvers.CheckLengths(fisher, g, x, damping);
        x.Clear();
        Factor(fisher, damping);
        if (_status == SolveStatus.NonFinite || !FisherSolvers.AllFinite(g)) return new SolveResult(SolveStatus.NonFinite, 0, double.NaN);
        if (_status != SolveStatus.Converged) return new SolveResult(_status, 0, double.NaN);
        int p = fisher.Dimension;
        g.CopyTo(x);
        DenseCholesky.Solve(_factor, p, x);
        if (!FisherSolvers.AllFinite(x))
        {
            x.Clear();
            return new SolveResult(SolveStatus.NotPositiveDefinite, 0, double.NaN);
        }
        return new SolveResult(SolveStatus.Converged, 0, ResidualNorm(_a, p, x, g));
    }

    /// <summary>Factors F + λI unless the same version of the same dense matrix with the same λ is factored already.</summary>
    private void Factor(ILinearOperator fisher, double damping)
    {
        int p = fisher.Dimension;
        if (fisher is DenseFisher dense && ReferenceEquals(_factored, fisher) && _version == dense.Version
            && BitConverter.DoubleToInt64Bits(_damping) == BitConverter.DoubleToInt64Bits(damping) && _a.Length == p * p)
            return;
        _factored = null;
        if (_a.Length != p * p)
        {
            _a = new double[p * p];
            _factor = new double[p * p];
            _column = new double[p];
        }
        bool finite = FisherSolvers.DampedInto(fisher, damping, _a, _column);
        _status = !finite ? SolveStatus.NonFinite
            : DenseCholesky.Factorize(_a, _factor, p, _column) ? SolveStatus.Converged : SolveStatus.NotPositiveDefinite;
        if (fisher is DenseFisher d)
        {
            _factored = fisher;
            _version = d.Version;
            _damping = damping;
        }
    }

    /// <summary>‖g − A x‖₂ with (A x)_i = Σ_k a_ik x_k summed in increasing k.</summary>
    private static double ResidualNorm(ReadOnlySpan<double> a, int p, ReadOnlySpan<double> x, ReadOnlySpan<double> g)
    {
        double s = 0;
        for (int i = 0; i < p; i++)
        {
            double ax = 0;
            for (int k = 0; k < p; k++) ax += a[k * p + i] * x[k];
            double d = g[i] - ax;
            s += d * d;
        }
        return Math.Sqrt(s);
    }
}

/// <summary>
/// x = (F + λI)⁺ g through a symmetric eigendecomposition: eigenvalues with |μ| ≤ cutoff · max|μ| count as zero, so a
/// singular F (e.g. softmax over free logits, whose all-ones direction is null) gives the minimum-norm solution.
/// An eigenvalue below −cutoff · max|μ| means F + λI is indefinite → <see cref="SolveStatus.NotPositiveDefinite"/>, x = 0.
/// </summary>
public sealed class PseudoInverseSolver : IFisherSolver
{
    public const double DefaultRelativeCutoff = 1e-10;

    public PseudoInverseSolver(double relativeCutoff = DefaultRelativeCutoff)
    {
        if (!(relativeCutoff >= 0) || relativeCutoff >= 1)
            throw new ArgumentOutOfRangeException(nameof(relativeCutoff), relativeCutoff, "the pseudo-inverse cutoff must be in [0, 1).");
        RelativeCutoff = relativeCutoff;
    }

    public double RelativeCutoff { get; }
    public SolverKind Kind => SolverKind.PseudoInverse;

    public SolveResult Solve(ILinearOperator fisher, double damping, ReadOnlySpan<double> g, Span<double> x)
    {
        FisherSolvers.CheckLengths(fisher, g, x, damping);
        x.Clear();
        Matrix<double> a = FisherSolvers.Damped(fisher, damping, out bool finite);
        if (!finite || !FisherSolvers.AllFinite(g)) return new SolveResult(SolveStatus.NonFinite, 0, double.NaN);
        var evd = a.Evd(Symmetricity.Symmetric);
        Matrix<double> v = evd.EigenVectors;
        int p = a.RowCount;
        double max = 0;
        for (int i = 0; i < p; i++) max = Math.Max(max, Math.Abs(evd.EigenValues[i].Real));
        double cutoff = RelativeCutoff * max;
        var gv = Vector<double>.Build.DenseOfArray(g.ToArray());
        Vector<double> coeff = v.TransposeThisAndMultiply(gv);
        for (int i = 0; i < p; i++)
        {
            double mu = evd.EigenValues[i].Real;
            if (mu < -cutoff) return new SolveResult(SolveStatus.NotPositiveDefinite, 0, double.NaN);
            coeff[i] = mu <= cutoff ? 0 : coeff[i] / mu;
        }
        Vector<double> solution = v * coeff;
        double[] values = ((DenseVector)solution).Values;
        if (!FisherSolvers.AllFinite(values)) return new SolveResult(SolveStatus.NonFinite, 0, double.NaN);
        values.CopyTo(x);
        return new SolveResult(SolveStatus.Converged, 0, FisherSolvers.ResidualNorm(a, solution, g));
    }
}

/// <summary>Matrix-free conjugate gradient (Core's <see cref="NatPolicy.Core.ConjugateGradient"/>); allocates nothing per solve.</summary>
public sealed class ConjugateGradientSolver(int maxIterations = NatPolicy.Core.ConjugateGradient.DefaultMaxIterations,
    double tolerance = NatPolicy.Core.ConjugateGradient.DefaultTolerance) : IFisherSolver
{
    private readonly ConjugateGradient _cg = new(maxIterations, tolerance);

    public SolverKind Kind => SolverKind.ConjugateGradient;
    public int MaxIterations => _cg.MaxIterations;
    public double Tolerance => _cg.Tolerance;

    public SolveResult Solve(ILinearOperator fisher, double damping, ReadOnlySpan<double> g, Span<double> x)
    {
        FisherSolvers.CheckLengths(fisher, g, x, damping);
        return _cg.Solve(fisher, damping, g, x);
    }
}
