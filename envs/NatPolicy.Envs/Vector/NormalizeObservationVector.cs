using NatPolicy.Core;

namespace NatPolicy.Envs.Vector;

/// <summary>
/// Observation normalisation for a vector env (Stable-Baselines3's VecNormalize, observations only): one shared
/// <see cref="RunningMeanStd"/> is updated with every Reset's and Step's <see cref="IVectorEnv.Observations"/>
/// (all copies as one batch, unless <see cref="Frozen"/>), then both <see cref="Observations"/> and
/// <see cref="FinalObservations"/> are normalised with it.
/// </summary>
public sealed class NormalizeObservationVector : IVectorEnv, ISnapshotable
{
    private readonly IVectorEnv _inner;
    private readonly double[] _obs;
    private readonly double[] _finalObs;
    private readonly int _dim;

    public NormalizeObservationVector(IVectorEnv inner, double epsilon = 1e-8, double clip = 10.0)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _dim = inner.SingleObservationSpace.Dimension;
        Statistics = new RunningMeanStd(_dim, epsilon, clip);
        _obs = new double[inner.Count * _dim];
        _finalObs = new double[inner.Count * _dim];
        SingleObservationSpace = BoxSpace.Uniform(-clip, clip, _dim);
    }

    public IVectorEnv Inner => _inner;

    /// <summary>The shared running statistics (saved with a policy; restore with <see cref="RunningMeanStd.Load"/>).</summary>
    public RunningMeanStd Statistics { get; }

    public bool Frozen
    {
        get => Statistics.Frozen;
        set => Statistics.Frozen = value;
    }

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
        Statistics.Update(_inner.Observations, _inner.Count);
        NormalizeRows(_inner.Observations, _obs);
        Array.Clear(_finalObs);
    }

    public void Step(ReadOnlySpan<double> actions)
    {
        _inner.Step(actions);
        Statistics.Update(_inner.Observations, _inner.Count);
        NormalizeRows(_inner.Observations, _obs);
        NormalizeRows(_inner.FinalObservations, _finalObs);
    }

    private void NormalizeRows(ReadOnlySpan<double> source, Span<double> target)
    {
        for (int i = 0; i < _inner.Count; i++)
            Statistics.Normalize(source.Slice(i * _dim, _dim), target.Slice(i * _dim, _dim));
    }

    public void Save(Snapshot into)
    {
        into.Write(Statistics.Mean);
        into.Write(Statistics.Variance);
        into.Write(Statistics.Count);
        into.Write(Statistics.Frozen);
        into.Write(_obs);
        into.Write(_finalObs);
        Snapshotable().Save(into);
    }

    public void Load(SnapshotReader from)
    {
        var mean = new double[_dim];
        var variance = new double[_dim];
        from.ReadDoubles(mean);
        from.ReadDoubles(variance);
        Statistics.Load(mean, variance, from.ReadDouble());
        Statistics.Frozen = from.ReadBool();
        from.ReadDoubles(_obs);
        from.ReadDoubles(_finalObs);
        Snapshotable().Load(from);
    }

    private ISnapshotable Snapshotable() =>
        _inner as ISnapshotable ?? throw new InvalidOperationException($"NormalizeObservationVector: the inner vector env {_inner.GetType().Name} is not ISnapshotable");
}
