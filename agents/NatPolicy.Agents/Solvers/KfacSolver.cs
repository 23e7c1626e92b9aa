using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using NatPolicy.Agents.Fisher;
using NatPolicy.Core;

namespace NatPolicy.Agents.Solvers;

/// <summary>
/// The K-FAC inverse with factored Tikhonov damping (Martens &amp; Grosse 2015, §6.3): per layer,
/// x = (Aₗ + π √λ I)⁻¹ ⊗ (Gₗ + (√λ/π) I)⁻¹ g, i.e. X = (G + (√λ/π) I)⁻¹ Γ (A + π √λ I)⁻¹ on the layer's block Γ,
/// with π = sqrt((tr Aₗ / (cₗ+1)) / (tr Gₗ / rₗ)) (π = 1 when a trace is 0) so that each factor gets damping in
/// proportion to its own scale. The damped Kronecker product is A ⊗ G + λI plus the cross terms π√λ I ⊗ G + (√λ/π)
/// A ⊗ I: with λ = 0 it is exactly (A ⊗ G)⁻¹. Head parameters (Gaussian log σ): x = g / (h + λ). Only for a
/// <see cref="KroneckerFactoredFisher"/> or a <see cref="KfacCurvature"/>. The damped factors are inverted by Cholesky
/// once per factor update and λ; a factor that is not positive definite gives <see cref="SolveStatus.NotPositiveDefinite"/>
/// and x = 0. The reported residual is ‖(F + λI)x − g‖ with F the operator given (for a <see cref="KfacCurvature"/> the
/// exact Fisher: how far the K-FAC step is from the exact damped solve).
/// </summary>
public sealed class KfacSolver : IFisherSolver
{
    private KroneckerFactoredFisher? _for;
    private long _version = -1;
    private double _damping = double.NaN;
    private double[][] _aInverse = [];
    private double[][] _gInverse = [];
    private bool _ok;
    private double[] _check = [];

    public SolverKind Kind => SolverKind.Kfac;

    public SolveResult Solve(ILinearOperator fisher, double damping, ReadOnlySpan<double> g, Span<double> x)
    {
        FisherSolvers.CheckLengths(fisher, g, x, damping);
        var f = fisher as KroneckerFactoredFisher ?? (fisher as KfacCurvature)?.Factors
            ?? throw new ArgumentException($"the K-FAC solver needs a {nameof(KfacCurvature)} or {nameof(KroneckerFactoredFisher)}; got {fisher.GetType().Name}.", nameof(fisher));
        x.Clear();
        if (!FisherSolvers.AllFinite(g)) return new SolveResult(SolveStatus.NonFinite, 0, double.NaN);
        if (!ReferenceEquals(f, _for) || f.Version != _version || !damping.Equals(_damping)) Invert(f, damping);
        if (!_ok) return new SolveResult(SolveStatus.NotPositiveDefinite, 0, double.NaN);
        for (int l = 0; l < f.Layers; l++) f.Sandwich(l, _gInverse[l], _aInverse[l], g, x);
        int head0 = f.Dimension - f.HeadParameterCount;
        double h = f.HeadFisher + damping;
        for (int i = head0; i < f.Dimension; i++) x[i] = g[i] / h;
        if (!FisherSolvers.AllFinite(x))
        {
            x.Clear();
            return new SolveResult(SolveStatus.NonFinite, 0, double.NaN);
        }
        if (_check.Length != f.Dimension) _check = new double[f.Dimension];
        fisher.Apply(x, _check);
        double r2 = 0;
        for (int i = 0; i < g.Length; i++)
        {
            double d = g[i] - _check[i] - damping * x[i];
            r2 += d * d;
        }
        return new SolveResult(SolveStatus.Converged, 0, Math.Sqrt(r2));
    }

    /// <summary>π of a layer: sqrt((tr A / dim A) / (tr G / dim G)), or 1 when either trace is not positive.</summary>
    public static double Pi(ReadOnlySpan<double> a, int aDim, ReadOnlySpan<double> g, int gDim)
    {
        double ta = 0, tg = 0;
        for (int i = 0; i < aDim; i++) ta += a[i * aDim + i];
        for (int i = 0; i < gDim; i++) tg += g[i * gDim + i];
        double pi = Math.Sqrt((ta / aDim) / (tg / gDim));
        return ta > 0 && tg > 0 && double.IsFinite(pi) && pi > 0 ? pi : 1.0;
    }

    private void Invert(KroneckerFactoredFisher f, double damping)
    {
        _for = f;
        _version = f.Version;
        _damping = damping;
        _ok = true;
        if (_aInverse.Length != f.Layers)
        {
            _aInverse = new double[f.Layers][];
            _gInverse = new double[f.Layers][];
        }
        double root = Math.Sqrt(damping);
        MathNet.Numerics.Control.UseSingleThread();
        for (int l = 0; l < f.Layers; l++)
        {
            int d = f.Cols(l) + 1, r = f.Rows(l);
            double pi = Pi(f.A[l], d, f.G[l], r);
            _aInverse[l] = Inverse(f.A[l], d, pi * root);
            _gInverse[l] = Inverse(f.G[l], r, root / pi);
            if (_aInverse[l].Length == 0 || _gInverse[l].Length == 0) _ok = false;
        }
    }

    /// <summary>(S + μI)⁻¹ by Cholesky (row-major; symmetric so row- and column-major agree), or empty when not positive definite.</summary>
    private static double[] Inverse(double[] s, int n, double mu)
    {
        var m = new DenseMatrix(n, n, (double[])s.Clone());
        for (int i = 0; i < n; i++) m[i, i] += mu;
        if (!FisherSolvers.AllFinite(m.Values)) return [];
        try
        {
            Matrix<double> inv = m.Cholesky().Solve(DenseMatrix.CreateIdentity(n));
            double[] values = ((DenseMatrix)inv).Values;
            if (!FisherSolvers.AllFinite(values)) return [];
            // Symmetrise away rounding so the sandwich is exactly symmetric in its factors.
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                {
                    double v = 0.5 * (values[i * n + j] + values[j * n + i]);
                    values[i * n + j] = v;
                    values[j * n + i] = v;
                }
            return values;
        }
        catch (ArgumentException)
        {
            return [];
        }
    }
}
