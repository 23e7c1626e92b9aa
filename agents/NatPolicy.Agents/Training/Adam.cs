using NatPolicy.Core;

namespace NatPolicy.Agents.Training;

/// <summary>
/// Adam (Kingma &amp; Ba 2015, Algorithm 1) for gradient ascent: θ ← θ + α m̂ / (sqrt(v̂) + ε).
/// </summary>
public sealed class Adam(int dimension, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    : ISnapshotable
{
    private readonly double[] _m = new double[dimension];
    private readonly double[] _v = new double[dimension];
    private long _t;

    /// <summary>Writes the ascent step Δθ for gradient <paramref name="g"/> into <paramref name="step"/>.</summary>
    public void Step(ReadOnlySpan<double> g, Span<double> step)
    {
        _t++;
        double c1 = 1 - Math.Pow(beta1, _t);
        double c2 = 1 - Math.Pow(beta2, _t);
        for (int k = 0; k < _m.Length; k++)
        {
            _m[k] = beta1 * _m[k] + (1 - beta1) * g[k];
            _v[k] = beta2 * _v[k] + (1 - beta2) * g[k] * g[k];
            step[k] = learningRate * (_m[k] / c1) / (Math.Sqrt(_v[k] / c2) + epsilon);
        }
    }

    public void Save(Snapshot into)
    {
        into.Write(_m);
        into.Write(_v);
        into.Write(_t);
    }

    public void Load(SnapshotReader from)
    {
        from.ReadDoubles(_m);
        from.ReadDoubles(_v);
        _t = from.ReadLong();
    }
}
