using NatPolicy.Core;

namespace NatPolicy.Envs.Vector;

/// <summary>
/// A fixed linear reparameterisation of the observation features: every row of <see cref="Observations"/> and
/// <see cref="FinalObservations"/> is the inner row multiplied element-wise by <see cref="Factors"/> (s' = A s with
/// A = diag(factors), each factor finite and &gt; 0). Everything else passes through unchanged; the observation
/// space's bounds are scaled the same way. Allocation-free per step.
/// </summary>
public sealed class ScaleObservationVector : IVectorEnv, ISnapshotable
{
    private readonly IVectorEnv _inner;
    private readonly double[] _factors;
    private readonly double[] _obs;
    private readonly double[] _finalObs;
    private readonly int _dim;

    /// <param name="inner">The env whose observations are scaled.</param>
    /// <param name="factors">One factor per observation dimension, each finite and &gt; 0.</param>
    public ScaleObservationVector(IVectorEnv inner, IReadOnlyList<double> factors)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(factors);
        _dim = inner.SingleObservationSpace.Dimension;
        if (factors.Count != _dim)
            throw new ArgumentException($"ScaleObservationVector: {factors.Count} factors for a {_dim}-dimensional observation.", nameof(factors));
        for (int j = 0; j < _dim; j++)
            if (!(double.IsFinite(factors[j]) && factors[j] > 0))
                throw new ArgumentOutOfRangeException(nameof(factors), factors[j], $"scale factor {j} must be finite and > 0.");
        _inner = inner;
        _factors = factors.ToArray();
        _obs = new double[inner.Count * _dim];
        _finalObs = new double[inner.Count * _dim];
        var low = new double[_dim];
        var high = new double[_dim];
        for (int j = 0; j < _dim; j++)
        {
            low[j] = inner.SingleObservationSpace.Low[j] * _factors[j];
            high[j] = inner.SingleObservationSpace.High[j] * _factors[j];
        }
        SingleObservationSpace = new BoxSpace(low, high);
    }

    public IVectorEnv Inner => _inner;

    /// <summary>diag(A): the factor of each observation dimension.</summary>
    public ReadOnlySpan<double> Factors => _factors;

    public int Count => _inner.Count;
    public EnvSpec? Spec => _inner.Spec;
    public Space SingleActionSpace => _inner.SingleActionSpace;
    public BoxSpace SingleObservationSpace { get; }
    public ReadOnlySpan<double> Observations => _obs;
    public ReadOnlySpan<double> FinalObservations => _finalObs;
    public ReadOnlySpan<double> Rewards => _inner.Rewards;
    public ReadOnlySpan<bool> Terminated => _inner.Terminated;
    public ReadOnlySpan<bool> Truncated => _inner.Truncated;
    public ReadOnlySpan<EpisodeStats?> FinishedEpisodes => _inner.FinishedEpisodes;

    public void Reset(ulong seed)
    {
        _inner.Reset(seed);
        ScaleRows(_inner.Observations, _obs);
        Array.Clear(_finalObs);
    }

    public void Step(ReadOnlySpan<double> actions)
    {
        _inner.Step(actions);
        ScaleRows(_inner.Observations, _obs);
        ScaleRows(_inner.FinalObservations, _finalObs);
    }

    private void ScaleRows(ReadOnlySpan<double> source, Span<double> target)
    {
        for (int k = 0; k < target.Length; k++) target[k] = source[k] * _factors[k % _dim];
    }

    public void Save(Snapshot into)
    {
        into.Write(_obs);
        into.Write(_finalObs);
        Snapshotable().Save(into);
    }

    public void Load(SnapshotReader from)
    {
        from.ReadDoubles(_obs);
        from.ReadDoubles(_finalObs);
        Snapshotable().Load(from);
    }

    private ISnapshotable Snapshotable() =>
        _inner as ISnapshotable ?? throw new InvalidOperationException($"ScaleObservationVector: the inner vector env {_inner.GetType().Name} is not ISnapshotable");
}
