using NatPolicy.Core;

namespace NatPolicy.Envs.Vector;

/// <summary>
/// Gymnasium's <c>ObservationWrapper</c> for vector envs: every row of <see cref="Observations"/> and
/// <see cref="FinalObservations"/> is the inner row passed through <see cref="Transform"/>; rewards, flags and
/// episode statistics pass through. <see cref="Observe"/> sees each Reset's and Step's inner observations first
/// (for running statistics). The transformed rows are part of the snapshot, followed by the inner env's.
/// Allocation-free per step.
/// </summary>
public abstract class ObservationVectorWrapper : IVectorEnv, ISnapshotable
{
    private readonly double[] _obs;
    private readonly double[] _finalObs;

    protected ObservationVectorWrapper(IVectorEnv inner, BoxSpace observationSpace)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
        Dimension = inner.SingleObservationSpace.Dimension;
        SingleObservationSpace = observationSpace;
        _obs = new double[inner.Count * Dimension];
        _finalObs = new double[inner.Count * Dimension];
    }

    public IVectorEnv Inner { get; }

    /// <summary>Length of one observation row.</summary>
    protected int Dimension { get; }

    public int Count => Inner.Count;
    public EnvSpec? Spec => Inner.Spec;
    public Space SingleActionSpace => Inner.SingleActionSpace;
    public BoxSpace SingleObservationSpace { get; }
    public ReadOnlySpan<double> Observations => _obs;
    public ReadOnlySpan<double> FinalObservations => _finalObs;
    public ReadOnlySpan<double> Rewards => Inner.Rewards;
    public ReadOnlySpan<bool> Terminated => Inner.Terminated;
    public ReadOnlySpan<bool> Truncated => Inner.Truncated;
    public ReadOnlySpan<EpisodeStats?> FinishedEpisodes => Inner.FinishedEpisodes;

    /// <summary>Writes the transformed row <paramref name="target"/> of the inner row <paramref name="source"/> (both of length <see cref="Dimension"/>).</summary>
    protected abstract void Transform(ReadOnlySpan<double> source, Span<double> target);

    /// <summary>Called with all copies' new inner observations (Count × Dimension) before they are transformed.</summary>
    protected virtual void Observe(ReadOnlySpan<double> observations) { }

    public void Reset(ulong seed)
    {
        Inner.Reset(seed);
        Observe(Inner.Observations);
        TransformRows(Inner.Observations, _obs);
        Array.Clear(_finalObs);
    }

    public void Step(ReadOnlySpan<double> actions)
    {
        Inner.Step(actions);
        Observe(Inner.Observations);
        TransformRows(Inner.Observations, _obs);
        TransformRows(Inner.FinalObservations, _finalObs);
    }

    private void TransformRows(ReadOnlySpan<double> source, Span<double> target)
    {
        int d = Dimension;
        for (int i = 0; i < Inner.Count; i++) Transform(source.Slice(i * d, d), target.Slice(i * d, d));
    }

    public virtual void Save(Snapshot into)
    {
        into.Write(_obs);
        into.Write(_finalObs);
        InnerSnapshotable().Save(into);
    }

    public virtual void Load(SnapshotReader from)
    {
        from.ReadDoubles(_obs);
        from.ReadDoubles(_finalObs);
        InnerSnapshotable().Load(from);
    }

    public bool CanSnapshot => ISnapshotable.Supported(Inner);

    private ISnapshotable InnerSnapshotable() =>
        Inner as ISnapshotable ?? throw new InvalidOperationException($"{GetType().Name}: the inner vector env {Inner.GetType().Name} is not ISnapshotable");
}
