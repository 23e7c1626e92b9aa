using NatPolicy.Agents.Policies;
using NatPolicy.Core;

namespace NatPolicy.Agents.Training;

/// <summary>
/// A value baseline V(s) = μ + σ·f_w(s) with f a tanh MLP (<see cref="MlpFeatureMap"/>, one output), fitted each
/// iteration by minibatch Adam on the squared error to the batch's value targets for a few epochs (the critic of
/// Schulman et al. 2016's GAE experiments and of SB3's TRPO). The output scale (μ, σ) follows the latest batch's
/// targets; when it changes, the output layer is rescaled so that V is unchanged (Pop-Art, van Hasselt et al. 2016),
/// which keeps the regression well conditioned whatever the reward scale. Predicts ≈ 0 before the first fit (μ = 0,
/// σ = 1, output layer initialised at 0.01 of the usual scale).
/// Each minibatch is one block through <see cref="MlpFeatureMap"/>'s batch kernels (forward, then the gradient summed
/// over its rows in increasing order), and <see cref="PredictBatch"/> evaluates blocks of <see cref="PredictRows"/> rows.
/// The time in the episode is ignored (the trainer bootstraps on truncation). Deterministic given its
/// <see cref="Rng"/> (initial weights and minibatch order); <see cref="Save"/>/<see cref="Load"/> capture the weights,
/// the Adam moments, (μ, σ) and the generator.
/// </summary>
public sealed class MlpValueBaseline : IValueBaseline
{
    /// <summary>σ never goes below this (targets that are all equal).</summary>
    private const double MinScale = 1e-6;

    private readonly MlpFeatureMap _net;
    private readonly int _epochs;
    private readonly int _minibatch;
    private readonly Rng _rng;
    private readonly Adam _adam;
    private readonly double[] _w;
    private readonly double[] _grad;
    private readonly double[] _step;
    private readonly double[] _out = new double[1];
    private readonly FeatureBatch _batch;
    private readonly double[] _rows;       // a minibatch's observations, gathered (capacity × d)
    private readonly double[] _outs;       // f_w of the block's rows
    private readonly double[] _cotangents; // −e/m per row
    private int[] _order = [];
    private double _mu;
    private double _sigma = 1.0;

    /// <param name="observationDimension">Length of s.</param>
    /// <param name="hiddenSizes">tanh hidden layer widths.</param>
    /// <param name="epochs">Passes over the batch per <see cref="Fit"/> (≥ 1).</param>
    /// <param name="minibatch">Rows per Adam step (≥ 1).</param>
    /// <param name="learningRate">Adam step size α &gt; 0 (on the normalised targets).</param>
    /// <param name="rng">Draws the initial weights, then shuffles the minibatches.</param>
    public MlpValueBaseline(int observationDimension, IReadOnlyList<int> hiddenSizes, int epochs, int minibatch, double learningRate, Rng rng)
    {
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "need ≥ 1 epoch.");
        if (minibatch < 1) throw new ArgumentOutOfRangeException(nameof(minibatch), minibatch, "need ≥ 1 row per minibatch.");
        if (!(learningRate > 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "need a learning rate > 0.");
        _net = new MlpFeatureMap(observationDimension, hiddenSizes, 1);
        _epochs = epochs;
        _minibatch = minibatch;
        _rng = rng;
        _w = new double[_net.ParameterCount];
        _grad = new double[_net.ParameterCount];
        _step = new double[_net.ParameterCount];
        _net.Initialize(rng, _w);
        _adam = new Adam(_net.ParameterCount, learningRate);
        int capacity = Math.Max(minibatch, PredictRows);
        _batch = _net.CreateBatch(capacity);
        _rows = new double[capacity * observationDimension];
        _outs = new double[capacity];
        _cotangents = new double[capacity];
    }

    /// <summary>Rows per block in <see cref="PredictBatch"/> (at least; the minibatch size if larger).</summary>
    public const int PredictRows = 256;

    public int ParameterCount => _w.Length;

    public double Predict(ReadOnlySpan<double> observation, int stepInEpisode)
    {
        _net.Forward(_w, observation, _out);
        return _mu + _sigma * _out[0];
    }

    /// <summary>μ + σ·f_w(s) for every row, in blocks through the batch kernels: the same bits as <see cref="Predict"/>.</summary>
    public void PredictBatch(ReadOnlySpan<double> observations, ReadOnlySpan<int> steps, int count, Span<double> values)
    {
        int d = _net.InputDimension;
        for (int r0 = 0; r0 < count; r0 += _batch.Capacity)
        {
            int rows = Math.Min(_batch.Capacity, count - r0);
            _net.LoadBatch(_batch, observations.Slice(r0 * d, rows * d), rows);
            Span<double> v = values.Slice(r0, rows);
            _net.ForwardBatch(_w, _batch, v);
            for (int r = 0; r < rows; r++) v[r] = _mu + _sigma * v[r];
        }
    }

    /// <summary>
    /// Rescales to the targets' mean and standard deviation (keeping V unchanged), then runs the epochs of shuffled
    /// minibatch Adam on ½(f_w(s) − (R − μ)/σ)².
    /// </summary>
    public void Fit(ReadOnlySpan<double> observations, ReadOnlySpan<int> steps, ReadOnlySpan<double> targets, int count)
    {
        if (count <= 0) return;
        int d = _net.InputDimension;
        double mean = 0, sq = 0;
        for (int i = 0; i < count; i++) mean += targets[i];
        mean /= count;
        for (int i = 0; i < count; i++) sq += (targets[i] - mean) * (targets[i] - mean);
        double sigma = Math.Max(Math.Sqrt(sq / count), MinScale);
        if (!double.IsFinite(mean) || !double.IsFinite(sigma)) return;
        Rescale(mean, sigma);

        if (_order.Length != count) _order = new int[count];
        for (int i = 0; i < count; i++) _order[i] = i;
        for (int epoch = 0; epoch < _epochs; epoch++)
        {
            for (int i = count - 1; i > 0; i--)
            {
                int j = _rng.NextInt(i + 1);
                (_order[i], _order[j]) = (_order[j], _order[i]);
            }
            for (int start = 0; start < count; start += _minibatch)
            {
                int m = Math.Min(start + _minibatch, count) - start;
                for (int r = 0; r < m; r++) observations.Slice(_order[start + r] * d, d).CopyTo(_rows.AsSpan(r * d, d));
                _net.LoadBatch(_batch, _rows.AsSpan(0, m * d), m);
                _net.ForwardBatch(_w, _batch, _outs.AsSpan(0, m));
                // Ascent on −½ e²: the cotangent is −e / m.
                for (int r = 0; r < m; r++) _cotangents[r] = -(_outs[r] - (targets[_order[start + r]] - _mu) / _sigma) / m;
                Array.Clear(_grad);
                _net.VjpBatch(_w, _batch, _cotangents.AsSpan(0, m), _grad);
                _adam.Step(_grad, _step);
                for (int k = 0; k < _w.Length; k++) _w[k] += _step[k];
            }
        }
    }

    /// <summary>μ, σ ← mean, sigma with the output layer (last h + 1 entries of w: W then b) changed so V stays the same.</summary>
    private void Rescale(double mean, double sigma)
    {
        int h = _net.HiddenSizes[^1];
        Span<double> last = _w.AsSpan(_w.Length - h - 1);
        double ratio = _sigma / sigma;
        for (int k = 0; k < h; k++) last[k] *= ratio;
        last[h] = (_sigma * last[h] + _mu - mean) / sigma;
        _mu = mean;
        _sigma = sigma;
    }

    public void Save(Snapshot into)
    {
        into.Write(_w);
        into.Write(_mu);
        into.Write(_sigma);
        into.Write(_rng.GetState());
        _adam.Save(into);
    }

    public void Load(SnapshotReader from)
    {
        from.ReadDoubles(_w);
        _mu = from.ReadDouble();
        _sigma = from.ReadDouble();
        _rng.Restore(Rng.FromState(from.ReadRng()));
        _adam.Load(from);
    }
}
