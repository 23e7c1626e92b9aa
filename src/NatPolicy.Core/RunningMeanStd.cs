namespace NatPolicy.Core;

/// <summary>
/// Running per-dimension mean and variance (Chan et al.'s parallel update, as Stable-Baselines3's
/// <c>RunningMeanStd</c>), used to normalise observations: z = clip((x − μ) / sqrt(σ² + ε), ±clip).
/// Can be frozen (evaluation, saved policies) and saved/restored exactly.
/// </summary>
public sealed class RunningMeanStd : ISnapshotable
{
    private readonly double[] _mean;
    private readonly double[] _var;

    /// <param name="dimension">Length of one observation.</param>
    /// <param name="epsilon">Added to the variance before the square root (SB3: 1e-8).</param>
    /// <param name="clip">Normalised values are clipped to [−clip, clip] (SB3: 10).</param>
    public RunningMeanStd(int dimension, double epsilon = 1e-8, double clip = 10.0)
    {
        _mean = new double[dimension];
        _var = Enumerable.Repeat(1.0, dimension).ToArray();
        Count = 1e-4; // SB3's prior count: the first batch dominates, no division by zero.
        Epsilon = epsilon;
        Clip = clip;
    }

    public int Dimension => _mean.Length;
    public double Count { get; private set; }
    public double Epsilon { get; }
    public double Clip { get; }
    public bool Frozen { get; set; }
    public ReadOnlySpan<double> Mean => _mean;
    public ReadOnlySpan<double> Variance => _var;

    /// <summary>Folds a batch of <paramref name="rows"/> observations (row-major) into the statistics, unless frozen.</summary>
    public void Update(ReadOnlySpan<double> batch, int rows)
    {
        if (Frozen || rows == 0) return;
        int d = _mean.Length;
        for (int j = 0; j < d; j++)
        {
            double m = 0;
            for (int i = 0; i < rows; i++) m += batch[i * d + j];
            m /= rows;
            double v = 0;
            for (int i = 0; i < rows; i++)
            {
                double e = batch[i * d + j] - m;
                v += e * e;
            }
            v /= rows;
            double delta = m - _mean[j];
            double total = Count + rows;
            _mean[j] += delta * rows / total;
            double m2 = _var[j] * Count + v * rows + delta * delta * Count * rows / total;
            _var[j] = m2 / total;
        }
        Count += rows;
    }

    /// <summary>Writes the normalised observation into <paramref name="result"/>.</summary>
    public void Normalize(ReadOnlySpan<double> x, Span<double> result)
    {
        for (int j = 0; j < _mean.Length; j++)
            result[j] = Math.Clamp((x[j] - _mean[j]) / Math.Sqrt(_var[j] + Epsilon), -Clip, Clip);
    }

    /// <summary>Restores saved statistics exactly.</summary>
    public void Load(ReadOnlySpan<double> mean, ReadOnlySpan<double> variance, double count)
    {
        if (mean.Length != _mean.Length || variance.Length != _var.Length)
            throw new ArgumentException($"normaliser has dimension {_mean.Length}, saved statistics have {mean.Length}");
        mean.CopyTo(_mean);
        variance.CopyTo(_var);
        Count = count;
    }

    /// <summary>Writes mean, variance, count and the frozen flag (restored exactly by <see cref="Load(SnapshotReader)"/>).</summary>
    public void Save(Snapshot into)
    {
        into.Write(_mean);
        into.Write(_var);
        into.Write(Count);
        into.Write(Frozen);
    }

    public void Load(SnapshotReader from)
    {
        from.ReadDoubles(_mean);
        from.ReadDoubles(_var);
        Count = from.ReadDouble();
        Frozen = from.ReadBool();
    }

    public RunningMeanStd Clone()
    {
        var c = new RunningMeanStd(Dimension, Epsilon, Clip) { Frozen = Frozen };
        c.Load(_mean, _var, Count);
        return c;
    }
}
