using NatPolicy.Core;

namespace NatPolicy.Agents.Policies;

/// <summary>
/// A differentiable parametric function z = f_θ(s): ℝⁿ → ℝᴷ (n = <see cref="InputDimension"/>, K =
/// <see cref="OutputDimension"/>, θ ∈ ℝᴾ with P = <see cref="ParameterCount"/>), the body of a policy under its
/// distribution head. θ is passed in on every call (the map owns no parameters, only fixed structure and scratch),
/// so one map can evaluate two parameter vectors (e.g. for a KL).
/// <see cref="Jvp"/> and <see cref="Vjp"/> differentiate at the input and θ of the most recent <see cref="Forward"/>
/// call (its activations are cached); pass the same θ. No call allocates. Not thread-safe: <see cref="Clone"/> gives
/// a copy with its own scratch.
/// </summary>
public interface IFeatureMap
{
    int InputDimension { get; }
    int OutputDimension { get; }
    int ParameterCount { get; }

    /// <summary>Writes an initial θ (length P) drawn from <paramref name="rng"/> (or deterministic, e.g. zeros).</summary>
    void Initialize(Rng rng, Span<double> theta);

    /// <summary>z = f_θ(s); caches what <see cref="Jvp"/> and <see cref="Vjp"/> need.</summary>
    void Forward(ReadOnlySpan<double> theta, ReadOnlySpan<double> input, Span<double> output);

    /// <summary>Tangent dz = (∂z/∂θ) v (v of length P, dz of length K) at the last <see cref="Forward"/>.</summary>
    void Jvp(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Span<double> dOutput);

    /// <summary>Accumulates <paramref name="gradient"/> += (∂z/∂θ)ᵀ u (u of length K, gradient of length P) at the last <see cref="Forward"/>.</summary>
    void Vjp(ReadOnlySpan<double> theta, ReadOnlySpan<double> u, Span<double> gradient);

    /// <summary>Same structure (and the same fixed random features), fresh scratch.</summary>
    IFeatureMap Clone();

    // ---- batches: many rows at once, the θ-independent work done once per batch ----

    /// <summary>
    /// A <see cref="FeatureBatch"/> for up to <paramref name="capacity"/> rows. Maps override it to keep what they
    /// reuse across calls (random features, activations); the default keeps only the inputs and recomputes each row.
    /// </summary>
    FeatureBatch CreateBatch(int capacity) => new(capacity, InputDimension);

    /// <summary>
    /// Copies <paramref name="count"/> input rows (row-major, count × n) into <paramref name="batch"/> and does the
    /// θ-independent work on them (e.g. random Fourier features). Later batch calls use these rows.
    /// </summary>
    void LoadBatch(FeatureBatch batch, ReadOnlySpan<double> inputs, int count) => batch.Load(inputs, count);

    /// <summary>
    /// outputs (count × K, row-major) = f_θ of every loaded row; keeps what <see cref="JvpBatch"/> and
    /// <see cref="VjpBatch"/> reuse at this θ. Row r's output has the same bits as <see cref="Forward"/> on that row.
    /// </summary>
    void ForwardBatch(ReadOnlySpan<double> theta, FeatureBatch batch, Span<double> outputs)
    {
        int k = OutputDimension;
        for (int r = 0; r < batch.Count; r++) Forward(theta, batch.Row(r), outputs.Slice(r * k, k));
    }

    /// <summary>dOutputs row r = (∂z_r/∂θ) v for every loaded row, at the θ of the last <see cref="ForwardBatch"/> on this batch (pass the same θ).</summary>
    void JvpBatch(ReadOnlySpan<double> theta, FeatureBatch batch, ReadOnlySpan<double> v, Span<double> dOutputs)
    {
        int k = OutputDimension;
        Span<double> z = stackalloc double[k];
        for (int r = 0; r < batch.Count; r++)
        {
            Forward(theta, batch.Row(r), z);
            Jvp(theta, v, dOutputs.Slice(r * k, k));
        }
    }

    /// <summary>
    /// gradient += Σ_r (∂z_r/∂θ)ᵀ u_r over the loaded rows (u row-major, count × K), at the θ of the last
    /// <see cref="ForwardBatch"/> on this batch. Every entry of the gradient receives its row terms in increasing r,
    /// as successive <see cref="Vjp"/> calls would add them.
    /// </summary>
    void VjpBatch(ReadOnlySpan<double> theta, FeatureBatch batch, ReadOnlySpan<double> u, Span<double> gradient)
    {
        int k = OutputDimension;
        Span<double> z = stackalloc double[k];
        for (int r = 0; r < batch.Count; r++)
        {
            Forward(theta, batch.Row(r), z);
            Vjp(theta, u.Slice(r * k, k), gradient);
        }
    }

    /// <summary>
    /// gradient += Σ_r c_r · ((∂z_r/∂θ)ᵀ u_r) over the loaded rows with c_r ≠ 0 (u row-major, count × K; c =
    /// <paramref name="weights"/>, length count), at the θ of the last <see cref="ForwardBatch"/> on this batch. Each
    /// row's product (∂z_r/∂θ)ᵀ u_r is rounded first, then multiplied by c_r and added, rows in increasing r: the
    /// bits of scoring every row with <see cref="Vjp"/> into zeros and adding c_r times that score (the policy
    /// gradient's order). The default does exactly that row by row (<see cref="Forward"/>, <see cref="Vjp"/> into
    /// pooled scratch of length P); maps override it to reuse the batch.
    /// </summary>
    void WeightedVjpBatch(ReadOnlySpan<double> theta, FeatureBatch batch, ReadOnlySpan<double> u, ReadOnlySpan<double> weights,
        Span<double> gradient)
    {
        int k = OutputDimension, p = ParameterCount;
        Span<double> z = stackalloc double[k];
        double[] rented = System.Buffers.ArrayPool<double>.Shared.Rent(p);
        Span<double> score = rented.AsSpan(0, p);
        try
        {
            for (int r = 0; r < batch.Count; r++)
            {
                double c = weights[r];
                if (c == 0) continue;
                Forward(theta, batch.Row(r), z);
                score.Clear();
                Vjp(theta, u.Slice(r * k, k), score);
                for (int j = 0; j < p; j++) gradient[j] += c * score[j];
            }
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(rented);
        }
    }
}

/// <summary>
/// The rows a feature map works on as a batch (<see cref="IFeatureMap.LoadBatch"/>): their inputs (row-major,
/// <see cref="Count"/> × n) and, in subclasses, what the map reuses across calls. Allocated once (capacity rows);
/// no call on it allocates. Belongs to one map; not thread-safe.
/// </summary>
public class FeatureBatch
{
    private readonly double[] _inputs;

    public FeatureBatch(int capacity, int inputDimension)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a batch holds at least one row.");
        Capacity = capacity;
        InputDimension = inputDimension;
        _inputs = new double[capacity * inputDimension];
    }

    public int Capacity { get; }
    public int InputDimension { get; }

    /// <summary>Rows loaded by the last <see cref="Load"/>.</summary>
    public int Count { get; private set; }

    /// <summary>All loaded inputs, row-major (Count × n).</summary>
    public ReadOnlySpan<double> Inputs => _inputs.AsSpan(0, Count * InputDimension);

    /// <summary>Input row r.</summary>
    public ReadOnlySpan<double> Row(int r) => _inputs.AsSpan(r * InputDimension, InputDimension);

    /// <summary>Copies <paramref name="count"/> rows (1 ≤ count ≤ Capacity) in.</summary>
    public void Load(ReadOnlySpan<double> inputs, int count)
    {
        if (count < 1 || count > Capacity)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"a batch of capacity {Capacity} holds 1 … {Capacity} rows.");
        inputs[..(count * InputDimension)].CopyTo(_inputs);
        Count = count;
    }
}

/// <summary>Shared kernel: an affine layer y = W x + b with W (rows × cols, row-major) followed by b, stored contiguously in θ.</summary>
internal static class Affine
{
    public static int ParameterCount(int rows, int cols) => rows * (cols + 1);

    /// <summary>y = W x + b.</summary>
    public static void Forward(ReadOnlySpan<double> p, int rows, int cols, ReadOnlySpan<double> x, Span<double> y)
    {
        ReadOnlySpan<double> b = p.Slice(rows * cols, rows);
        for (int i = 0; i < rows; i++)
        {
            y[i] = b[i] + FixedLanes.Dot(p.Slice(i * cols, cols), x);
        }
    }

    /// <summary>dy = dW x + db (+ W dx when <paramref name="dx"/> is non-empty).</summary>
    public static void Tangent(ReadOnlySpan<double> p, ReadOnlySpan<double> dp, int rows, int cols,
        ReadOnlySpan<double> x, ReadOnlySpan<double> dx, Span<double> dy)
    {
        ReadOnlySpan<double> db = dp.Slice(rows * cols, rows);
        bool hasDx = !dx.IsEmpty;
        for (int i = 0; i < rows; i++)
        {
            double s = db[i] + FixedLanes.Dot(dp.Slice(i * cols, cols), x);
            if (hasDx) s += FixedLanes.Dot(p.Slice(i * cols, cols), dx);
            dy[i] = s;
        }
    }

    /// <summary>gW += u xᵀ, gb += u, and (when <paramref name="dx"/> is non-empty) dx = Wᵀ u.</summary>
    public static void Backward(ReadOnlySpan<double> p, int rows, int cols, ReadOnlySpan<double> x,
        ReadOnlySpan<double> u, Span<double> g, Span<double> dx)
    {
        Span<double> gb = g.Slice(rows * cols, rows);
        bool hasDx = !dx.IsEmpty;
        if (hasDx) dx[..cols].Clear();
        for (int i = 0; i < rows; i++)
        {
            double ui = u[i];
            gb[i] += ui;
            if (ui == 0) continue;
            FixedLanes.Axpy(ui, x[..cols], g.Slice(i * cols, cols));
            if (hasDx) FixedLanes.Axpy(ui, p.Slice(i * cols, cols), dx[..cols]);
        }
    }

    // ---- the same layer over count rows of inputs x (count × cols, row-major): row r gives the bits of the
    // single-row kernel above on x_r, and sums over rows add in increasing r ----

    /// <summary>y_r = W x_r + b for every row (y: count × rows).</summary>
    public static void ForwardRows(ReadOnlySpan<double> p, int rows, int cols, ReadOnlySpan<double> x, int count, Span<double> y)
    {
        for (int r = 0; r < count; r++) Forward(p, rows, cols, x.Slice(r * cols, cols), y.Slice(r * rows, rows));
    }

    /// <summary>dy_r = dW x_r + db for every row (dy: count × rows).</summary>
    public static void TangentRows(ReadOnlySpan<double> p, ReadOnlySpan<double> dp, int rows, int cols, ReadOnlySpan<double> x, int count,
        Span<double> dy)
    {
        for (int r = 0; r < count; r++) Tangent(p, dp, rows, cols, x.Slice(r * cols, cols), [], dy.Slice(r * rows, rows));
    }

    /// <summary>gW += Σ_r u_r x_rᵀ, gb += Σ_r u_r (u: count × rows).</summary>
    public static void BackwardRows(ReadOnlySpan<double> p, int rows, int cols, ReadOnlySpan<double> x, int count,
        ReadOnlySpan<double> u, Span<double> g)
    {
        for (int r = 0; r < count; r++) Backward(p, rows, cols, x.Slice(r * cols, cols), u.Slice(r * rows, rows), g, []);
    }

    /// <summary>
    /// gW += Σ_r c_r (u_r x_rᵀ), gb += Σ_r c_r u_r over the rows with c_r ≠ 0, each entry rounded as c_r·(u_ri·x_rj)
    /// (the row's own gradient first, then scaled), rows in increasing r; a zero u_ri leaves W's row i alone, as
    /// <see cref="Backward"/> does.
    /// </summary>
    public static void WeightedBackwardRows(int rows, int cols, ReadOnlySpan<double> x, int count, ReadOnlySpan<double> u,
        ReadOnlySpan<double> c, Span<double> g)
    {
        Span<double> gb = g.Slice(rows * cols, rows);
        for (int r = 0; r < count; r++)
        {
            double cr = c[r];
            if (cr == 0) continue;
            ReadOnlySpan<double> xr = x.Slice(r * cols, cols), ur = u.Slice(r * rows, rows);
            for (int i = 0; i < rows; i++)
            {
                double ui = ur[i];
                gb[i] += cr * ui;
                if (ui == 0) continue;
                Span<double> gi = g.Slice(i * cols, cols);
                for (int j = 0; j < cols; j++) gi[j] += cr * (ui * xr[j]);
            }
        }
    }
}
