using NatPolicy.Core;

namespace NatPolicy.Envs.Wrappers;

/// <summary>
/// Base of the wrappers: composes an inner env, forwards what it does not change, and snapshots the inner env after
/// its own state (the inner env must be <see cref="ISnapshotable"/> for Save/Load).
/// </summary>
public abstract class EnvWrapper : IEnv, ISnapshotable
{
    protected EnvWrapper(IEnv inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>The wrapped env.</summary>
    public IEnv Inner { get; }

    /// <summary>The innermost env (Gymnasium's <c>unwrapped</c>).</summary>
    public IEnv Unwrapped => Inner is EnvWrapper w ? w.Unwrapped : Inner;

    public virtual EnvSpec? Spec => Inner.Spec;

    public virtual Space ActionSpace => Inner.ActionSpace;

    public virtual BoxSpace ObservationSpace => Inner.ObservationSpace;

    public abstract ReadOnlyMemory<double> Reset(ulong? seed = null, ResetOptions? options = null);

    public abstract StepResult Step(ReadOnlySpan<double> action);

    public void Save(Snapshot into)
    {
        SaveOwn(into);
        AsSnapshotable().Save(into);
    }

    public void Load(SnapshotReader from)
    {
        LoadOwn(from);
        AsSnapshotable().Load(from);
    }

    public bool CanSnapshot => ISnapshotable.Supported(Inner);

    protected abstract void SaveOwn(Snapshot into);

    protected abstract void LoadOwn(SnapshotReader from);

    private ISnapshotable AsSnapshotable() =>
        Inner as ISnapshotable
        ?? throw new InvalidOperationException($"{GetType().Name}: the inner env {Inner.GetType().Name} is not ISnapshotable");

    public override string ToString() => $"{GetType().Name}<{Inner}>";
}
