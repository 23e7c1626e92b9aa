using NatPolicy.Agents.Policies;
using NatPolicy.Core;

namespace NatPolicy.Agents.Fisher;

/// <summary>
/// K-FAC (Martens &amp; Grosse 2015; in RL ACKTR, Wu et al. 2017) for a policy whose feature map is an
/// <see cref="MlpFeatureMap"/> (tanh hidden layers, linear output) or a <see cref="LinearFeatureMap"/> (one layer).
/// Layer l maps its input aₗ (length cₗ) to the pre-activation zₗ = Wₗ aₗ + bₗ (length rₗ); its per-sample score
/// is vec(δₗ āₗᵀ) with āₗ = (aₗ, 1) and δₗ = ∂log π/∂zₗ. The Fisher block of the layer, E[(āāᵀ) ⊗ (δδᵀ)], is
/// approximated by Aₗ ⊗ Gₗ with
/// <list type="bullet">
/// <item>Aₗ = (1/N) Σᵢ āₗ āₗᵀ over the batch's states ((cₗ+1)×(cₗ+1));</item>
/// <item>Gₗ = (1/N) Σᵢ E_{a~π(·|sᵢ)}[δₗ δₗᵀ] = (1/N) Σᵢ Bₗ M(sᵢ) Bₗᵀ (rₗ×rₗ): the <b>exact expectation over the
/// action</b> (softmax M = diag p − p pᵀ, Gaussian M = Σ⁻¹), not a sampled action; Bₗ = ∂z_out/∂zₗ transposed,
/// applied to the columns of M's factor by back-propagating them from the output.</item>
/// </list>
/// Different layers are independent (block-diagonal); a Gaussian head's log σ entries keep their exact Fisher 2.
/// Factors are running averages over iterations: F ← ε F + (1 − ε) F̂ with decay ε =
/// <paramref name="decay"/> ∈ [0, 1) (the first batch initialises them). The operator returned by
/// <see cref="Build"/> is a <see cref="KfacCurvature"/>: products with the exact Fisher of the batch (matrix-free, so
/// the step rules' sᵀ(F + λI)s is the true quadratic KL model) carrying this estimator's one
/// <see cref="KroneckerFactoredFisher"/> for <see cref="Solvers.KfacSolver"/>; the next Build updates the factors in place.
/// Statistics cost per state one forward pass, a pivoted Cholesky factor M = L Lᵀ (K×K; rank K − 1 for softmax, K for
/// a Gaussian) and one backward pass per column lⱼ of L, giving the rows Bₗlⱼ with Σⱼ (Bₗlⱼ)(Bₗlⱼ)ᵀ = Bₗ M Bₗᵀ; the
/// factors are then accumulated per block of <see cref="BlockRows"/> states as Gram products, Aₗ += XₗᵀXₗ (Xₗ the
/// block's āₗ rows) and Gₗ += VₗᵀVₗ (Vₗ the block's Bₗlⱼ rows), O(Σₗ cₗ² + rank·rₗ²) per state in fixed-order
/// 4-lane dot products; nothing is allocated after the first batch.
/// </summary>
public sealed class KfacEstimator(double decay) : IFisherEstimator, ISnapshotable
{
    private KroneckerFactoredFisher? _fisher;
    private double[][] _act = [];    // aₗ per layer (layer inputs), then z at [L]
    private double[][] _back = [];   // per layer the rows Bₗlⱼ for the factor columns j of M (rank ≤ K rows × rₗ)
    private double[] _m = [];        // M, K×K; then the residual of its factorisation
    private double[] _l = [];        // M ≈ L Lᵀ, column j of L at [q·K + j]
    private bool[] _pivoted = [];
    private double[][] _xt = [];     // the block's āₗ, feature-major: (cₗ+1) × BlockRows
    private double[][] _vt = [];     // the block's cotangent rows Bₗ lⱼ, feature-major: rₗ × (BlockRows·K)
    private double[][] _batchA = [];
    private double[][] _batchG = [];
    private double[][]? _loaded;

    /// <summary>States per block of the factor statistics (the Gram products run over this many rows at once).</summary>
    public const int BlockRows = 64;

    public FisherKind Kind => FisherKind.Kfac;

    /// <summary>ε ∈ [0, 1): weight of the previous factors in the running average.</summary>
    public double Decay { get; } = decay is >= 0 and < 1 ? decay
        : throw new ArgumentOutOfRangeException(nameof(decay), decay, "the K-FAC decay must be in [0, 1).");

    /// <summary>The running factors (null before the first <see cref="Build"/>).</summary>
    public KroneckerFactoredFisher? Current => _fisher;

    /// <summary>Layer sizes c₀, c₁, …, K of a supported feature map, or null.</summary>
    public static int[]? LayerSizes(IFeatureMap map) => map switch
    {
        MlpFeatureMap m => [m.InputDimension, .. m.HiddenSizes, m.OutputDimension],
        LinearFeatureMap l => [l.InputDimension, l.OutputDimension],
        _ => null,
    };

    public ILinearOperator Build(IPolicy policy, ReadOnlyMemory<double> observations, ReadOnlyMemory<double> actions, int count)
    {
        IDifferentiablePolicy dp = FisherEstimators.RequireDifferentiable(policy, Kind);
        FisherEstimators.CheckBatch(policy, observations, actions, count, needActions: false);
        if (dp is not ParametricPolicy pp || LayerSizes(dp.FeatureMap) is not { } sizes)
            throw new ArgumentException($"K-FAC needs an MLP or linear feature map under a softmax or Gaussian head; got {dp.FeatureMap.GetType().Name}.", nameof(policy));
        bool fresh = _fisher is null || !_fisher.HasShape(sizes, pp.HeadParameterCount);
        if (fresh) Allocate(sizes, pp.HeadParameterCount);
        var f = _fisher!;
        int layers = sizes.Length - 1, k = sizes[^1], n = dp.ObservationDimension;
        for (int l = 0; l < layers; l++)
        {
            Array.Clear(_batchA[l]);
            Array.Clear(_batchG[l]);
        }
        ReadOnlySpan<double> theta = dp.Parameters;
        ReadOnlySpan<double> obs = observations.Span;
        for (int start = 0; start < count; start += BlockRows)
        {
            int rows = Math.Min(BlockRows, count - start), used = 0;
            for (int i = 0; i < rows; i++)
            {
                Forward(theta, f, obs.Slice((start + i) * n, n));
                pp.HeadFisher(_act[layers], _m);
                int rank = Factor(k);
                Backward(theta, f, k, rank);
                for (int l = 0; l < layers; l++) Scatter(l, sizes[l], sizes[l + 1], i, used, rank);
                used += rank;
            }
            for (int l = 0; l < layers; l++)
            {
                GramUpper(_xt[l], _xt[l], sizes[l] + 1, BlockRows, rows, _batchA[l]);
                GramUpper(_vt[l], _vt[l], sizes[l + 1], BlockRows * k, used, _batchG[l]);
            }
        }
        if (fresh && _loaded is { } loaded && loaded.Length == 2 * layers)
        {
            for (int l = 0; l < layers && loaded[2 * l].Length == f.A[l].Length && loaded[2 * l + 1].Length == f.G[l].Length; l++)
            {
                loaded[2 * l].CopyTo(f.A[l], 0);
                loaded[2 * l + 1].CopyTo(f.G[l], 0);
                f.Initialized = l == layers - 1;
            }
        }
        _loaded = null;
        double w = f.Initialized ? 1 - Decay : 1.0;
        for (int l = 0; l < layers; l++)
        {
            Blend(f.A[l], _batchA[l], w, 1.0 / count);
            Blend(f.G[l], _batchG[l], w, 1.0 / count);
        }
        f.Initialized = true;
        f.HeadFisher = pp.HeadParameterFisherPerEntry;
        f.Version++;
        return new KfacCurvature(f, new MatrixFreeFisherEstimator().Build(policy, observations, actions, count));
    }

    private void Allocate(int[] sizes, int headCount)
    {
        int layers = sizes.Length - 1, k = sizes[^1];
        _fisher = new KroneckerFactoredFisher(sizes, headCount);
        _act = new double[layers + 1][];
        _back = new double[layers][];
        _xt = new double[layers][];
        _vt = new double[layers][];
        _batchA = new double[layers][];
        _batchG = new double[layers][];
        for (int l = 0; l <= layers; l++) _act[l] = new double[sizes[l]];
        for (int l = 0; l < layers; l++)
        {
            _back[l] = new double[k * sizes[l + 1]];
            _xt[l] = new double[(sizes[l] + 1) * BlockRows];
            _vt[l] = new double[sizes[l + 1] * BlockRows * k];
            _batchA[l] = new double[(sizes[l] + 1) * (sizes[l] + 1)];
            _batchG[l] = new double[sizes[l + 1] * sizes[l + 1]];
        }
        _m = new double[k * k];
        _l = new double[k * k];
        _pivoted = new bool[k];
    }

    /// <summary>aₗ₊₁ = tanh(Wₗ aₗ + bₗ) for hidden layers (our deterministic <see cref="Kernels.Activation.Tanh(double)"/>), z = W aₗ + b for the last (the documented MLP layout).</summary>
    private void Forward(ReadOnlySpan<double> theta, KroneckerFactoredFisher f, ReadOnlySpan<double> s)
    {
        s.CopyTo(_act[0]);
        int layers = f.Layers;
        for (int l = 0; l < layers; l++)
        {
            int r = f.Rows(l), c = f.Cols(l);
            ReadOnlySpan<double> p = theta.Slice(f.Offset(l), r * (c + 1));
            double[] x = _act[l], y = _act[l + 1];
            for (int i = 0; i < r; i++)
            {
                double sum = p[r * c + i] + FixedLanes.Dot(p.Slice(i * c, c), x);
                y[i] = l == layers - 1 ? sum : Kernels.Activation.Tanh(sum);
            }
        }
    }

    /// <summary>
    /// Factors the head's Fisher M (in <c>_m</c>, K×K, positive semi-definite) as L Lᵀ by Cholesky with diagonal
    /// pivoting, stopping when the largest remaining diagonal entry is ≤ 1e-12·tr M (the softmax M = diag p − ppᵀ has
    /// rank K − 1; a Gaussian's Σ⁻¹ rank K). Writes the columns of L to <c>_l</c> and returns their number.
    /// </summary>
    private int Factor(int k)
    {
        double[] w = _m, l = _l;
        double trace = 0;
        for (int q = 0; q < k; q++)
        {
            trace += w[q * k + q];
            _pivoted[q] = false;
        }
        double tolerance = 1e-12 * trace;
        int rank = 0;
        while (rank < k)
        {
            int p = -1;
            for (int q = 0; q < k; q++)
                if (!_pivoted[q] && (p < 0 || w[q * k + q] > w[p * k + p])) p = q;
            double pivot = w[p * k + p];
            if (!(pivot > tolerance)) break;
            double root = Math.Sqrt(pivot);
            for (int q = 0; q < k; q++) l[q * k + rank] = _pivoted[q] ? 0 : w[q * k + p] / root;
            for (int q = 0; q < k; q++)
                for (int t = 0; t < k; t++) w[q * k + t] -= l[q * k + rank] * l[t * k + rank];
            _pivoted[p] = true;
            rank++;
        }
        return rank;
    }

    /// <summary>
    /// Back-propagates the columns lⱼ (j &lt; rank) of M's factor from z: row j of <c>_back[l]</c> is Bₗ lⱼ = ∂(lⱼᵀz)/∂zₗ
    /// (rank × rₗ row-major), so that Σⱼ (Bₗlⱼ)(Bₗlⱼ)ᵀ = Bₗ M Bₗᵀ.
    /// </summary>
    private void Backward(ReadOnlySpan<double> theta, KroneckerFactoredFisher f, int k, int rank)
    {
        int last = f.Layers - 1;
        double[] top = _back[last];
        for (int j = 0; j < rank; j++)
            for (int q = 0; q < k; q++) top[j * k + q] = _l[q * k + j];
        for (int l = last; l > 0; l--)
        {
            int r = f.Rows(l), c = f.Cols(l);
            ReadOnlySpan<double> w = theta.Slice(f.Offset(l), r * c);
            double[] upper = _back[l], lower = _back[l - 1], a = _act[l];
            for (int j = 0; j < rank; j++)
            {
                Span<double> target = lower.AsSpan(j * c, c);
                target.Clear();
                for (int i = 0; i < r; i++)
                {
                    double u = upper[j * r + i];
                    if (u != 0) FixedLanes.Axpy(u, w.Slice(i * c, c), target);
                }
                for (int h = 0; h < c; h++) target[h] *= 1 - a[h] * a[h];
            }
        }
    }

    /// <summary>
    /// Puts state <paramref name="i"/> of the block into layer l's block matrices: āₗ into column i of <c>_xt</c>, and its
    /// <paramref name="rank"/> cotangent rows Bₗlⱼ into columns <paramref name="used"/> + j of <c>_vt</c>, so that over
    /// the block Σ_columns v vᵀ = Σᵢ Bₗ M Bₗᵀ.
    /// </summary>
    private void Scatter(int l, int c, int r, int i, int used, int rank)
    {
        double[] a = _act[l], xt = _xt[l], back = _back[l], vt = _vt[l];
        for (int j = 0; j < c; j++) xt[j * BlockRows + i] = a[j];
        xt[c * BlockRows + i] = 1.0;
        int stride = vt.Length / r;
        for (int h = 0; h < r; h++)
            for (int j = 0; j < rank; j++) vt[h * stride + used + j] = back[j * r + h];
    }

    /// <summary>
    /// target[j, h] += Σ_{x &lt; used} left[j, x] · right[h, x] for j ≤ h (upper triangle; <see cref="Blend"/> mirrors it), with
    /// left and right feature-major (d × stride); each sum in <see cref="FixedLanes.Dot"/>'s fixed order.
    /// </summary>
    private static void GramUpper(double[] left, double[] right, int d, int stride, int used, double[] target)
    {
        for (int j = 0; j < d; j++)
        {
            ReadOnlySpan<double> lj = left.AsSpan(j * stride, used);
            for (int h = j; h < d; h++) target[j * d + h] += FixedLanes.Dot(lj, right.AsSpan(h * stride, used));
        }
    }

    /// <summary>F ← (1 − w) F + w · scale · F̂ for the upper triangle of F̂, then F symmetric.</summary>
    private static void Blend(double[] running, double[] batch, double w, double scale)
    {
        int d = (int)Math.Round(Math.Sqrt(running.Length));
        for (int i = 0; i < d; i++)
            for (int j = i; j < d; j++)
            {
                double v = (1 - w) * running[i * d + j] + w * scale * batch[i * d + j];
                running[i * d + j] = v;
                running[j * d + i] = v;
            }
    }

    /// <summary>Writes the running factors (their count and lengths first), or that there are none yet.</summary>
    public void Save(Snapshot into)
    {
        var f = _fisher is { Initialized: true } ? _fisher : null;
        into.Write((long)(f is null ? 0 : 2 * f.Layers));
        if (f is null) return;
        for (int l = 0; l < f.Layers; l++)
        {
            into.Write((long)f.A[l].Length);
            into.Write(f.A[l]);
            into.Write((long)f.G[l].Length);
            into.Write(f.G[l]);
        }
    }

    /// <summary>Restores the running factors; the next <see cref="Build"/> starts from them.</summary>
    public void Load(SnapshotReader from)
    {
        long count = from.ReadLong();
        _loaded = new double[count][];
        for (int i = 0; i < count; i++)
        {
            _loaded[i] = new double[from.ReadLong()];
            from.ReadDoubles(_loaded[i]);
        }
        _fisher = null;
        if (count == 0) _loaded = null;
    }
}

/// <summary>
/// What <see cref="KfacEstimator.Build"/> returns: as an operator the exact Fisher of the batch (<see cref="Exact"/>,
/// matrix-free), so that step sizes and residuals refer to the true F; <see cref="Factors"/> is what the K-FAC solver inverts.
/// </summary>
public sealed class KfacCurvature(KroneckerFactoredFisher factors, ILinearOperator exact) : ILinearOperator
{
    public KroneckerFactoredFisher Factors { get; } = factors;
    public ILinearOperator Exact { get; } = exact;
    public int Dimension => Factors.Dimension;

    public void Apply(ReadOnlySpan<double> x, Span<double> result) => Exact.Apply(x, result);
}

/// <summary>
/// The K-FAC curvature: block-diagonal over layers, each block Aₗ ⊗ Gₗ acting on the layer's parameters as the matrix
/// Γ (rₗ × (cₗ+1), column cₗ the bias) by Γ ↦ Gₗ Γ Aₗ, plus h·I on the head's own parameters (Gaussian log σ: h = 2).
/// θ layout: the layers in order, each W row-major rₗ×cₗ then b, then the head's parameters.
/// </summary>
public sealed class KroneckerFactoredFisher : ILinearOperator
{
    private readonly int[] _sizes;
    private readonly int[] _offsets;
    private readonly double[] _gamma;
    private readonly double[] _temp;

    internal KroneckerFactoredFisher(int[] sizes, int headParameterCount)
    {
        _sizes = sizes;
        int layers = sizes.Length - 1;
        _offsets = new int[layers + 1];
        A = new double[layers][];
        G = new double[layers][];
        int widest = 0;
        for (int l = 0; l < layers; l++)
        {
            int r = sizes[l + 1], c = sizes[l];
            _offsets[l + 1] = _offsets[l] + r * (c + 1);
            A[l] = new double[(c + 1) * (c + 1)];
            G[l] = new double[r * r];
            widest = Math.Max(widest, r * (c + 1));
        }
        HeadParameterCount = headParameterCount;
        _gamma = new double[widest];
        _temp = new double[widest];
    }

    /// <summary>Aₗ ((cₗ+1)² row-major, symmetric), per layer.</summary>
    public double[][] A { get; }

    /// <summary>Gₗ (rₗ² row-major, symmetric), per layer.</summary>
    public double[][] G { get; }

    /// <summary>Fisher per entry of the head's own parameters (Gaussian log σ: 2; softmax: no such parameters).</summary>
    public double HeadFisher { get; internal set; }

    public int HeadParameterCount { get; }
    public int Layers => _sizes.Length - 1;
    public int Dimension => _offsets[^1] + HeadParameterCount;

    /// <summary>Counts the updates of the factors (solvers cache their inverses per version).</summary>
    public long Version { get; internal set; }

    internal bool Initialized { get; set; }

    public int Rows(int layer) => _sizes[layer + 1];
    public int Cols(int layer) => _sizes[layer];
    public int Offset(int layer) => _offsets[layer];

    internal bool HasShape(int[] sizes, int headCount) => headCount == HeadParameterCount && sizes.AsSpan().SequenceEqual(_sizes);

    public void Apply(ReadOnlySpan<double> x, Span<double> result)
    {
        for (int l = 0; l < Layers; l++) Sandwich(l, G[l], A[l], x, result);
        for (int i = _offsets[^1]; i < Dimension; i++) result[i] = HeadFisher * x[i];
    }

    /// <summary>For layer l: result's block = left · Γ · right with Γ the layer's block of x as rₗ × (cₗ+1).</summary>
    internal void Sandwich(int l, ReadOnlySpan<double> left, ReadOnlySpan<double> right, ReadOnlySpan<double> x, Span<double> result)
    {
        int r = Rows(l), c = Cols(l), d = c + 1, o = _offsets[l];
        Span<double> gamma = _gamma.AsSpan(0, r * d), temp = _temp.AsSpan(0, r * d);
        for (int i = 0; i < r; i++)
        {
            x.Slice(o + i * c, c).CopyTo(gamma.Slice(i * d, c));
            gamma[i * d + c] = x[o + r * c + i];
        }
        // temp = Γ · right
        temp.Clear();
        for (int i = 0; i < r; i++)
        {
            Span<double> trow = temp.Slice(i * d, d);
            for (int m = 0; m < d; m++)
            {
                double gim = gamma[i * d + m];
                if (gim == 0) continue;
                ReadOnlySpan<double> rrow = right.Slice(m * d, d);
                for (int j = 0; j < d; j++) trow[j] += gim * rrow[j];
            }
        }
        // gamma = left · temp
        gamma.Clear();
        for (int i = 0; i < r; i++)
        {
            Span<double> grow = gamma.Slice(i * d, d);
            for (int m = 0; m < r; m++)
            {
                double lim = left[i * r + m];
                if (lim == 0) continue;
                ReadOnlySpan<double> trow = temp.Slice(m * d, d);
                for (int j = 0; j < d; j++) grow[j] += lim * trow[j];
            }
        }
        for (int i = 0; i < r; i++)
        {
            gamma.Slice(i * d, c).CopyTo(result.Slice(o + i * c, c));
            result[o + r * c + i] = gamma[i * d + c];
        }
    }
}
