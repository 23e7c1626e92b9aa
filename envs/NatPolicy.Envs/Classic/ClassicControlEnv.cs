using NatPolicy.Core;

namespace NatPolicy.Envs.Classic;

/// <summary>
/// Shared plumbing of the classic-control ports: the float64 physical state, the observation buffer (float32 casts
/// of the state widened back to double, owned by the env and handed out as a view), the env's own <see cref="Rng"/>,
/// the reset/ended bookkeeping and snapshots. Physics lives in the sealed subclasses.
/// <para>An env that was never seeded draws its first start state from <c>new Rng(0)</c>.</para>
/// </summary>
public abstract class ClassicControlEnv : IStatefulEnv, ISnapshotable
{
    /// <summary>The internal state (Gymnasium's <c>env.unwrapped.state</c>).</summary>
    protected double[] S { get; }

    /// <summary>The observation buffer handed out by Reset/Step.</summary>
    protected double[] Obs { get; }

    /// <summary>View of <see cref="Obs"/>, created once.</summary>
    protected ReadOnlyMemory<double> ObsMemory { get; }

    private Rng _rng = new(0);
    private bool _started;
    private bool _ended;

    protected ClassicControlEnv(string id, int stateDimension, Space actionSpace, BoxSpace observationSpace)
    {
        Id = id;
        S = new double[stateDimension];
        Obs = new double[observationSpace.Dimension];
        ObsMemory = Obs;
        ActionSpace = actionSpace;
        ObservationSpace = observationSpace;
        Spec = EnvRegistry.TryGetSpec(id);
    }

    /// <summary>The registry id this class implements (e.g. "CartPole-v1").</summary>
    public string Id { get; }

    public EnvSpec? Spec { get; }

    public Space ActionSpace { get; }

    public BoxSpace ObservationSpace { get; }

    public ReadOnlySpan<double> State => S;

    /// <summary>The env's generator (start states). Reseeded by <c>Reset(seed)</c>.</summary>
    protected Rng Rng => _rng;

    /// <summary>True between a Reset/SetState and the end of the episode.</summary>
    public bool IsRunning => _started && !_ended;

    public ReadOnlyMemory<double> Reset(ulong? seed = null, ResetOptions? options = null)
    {
        if (seed is { } s) _rng = new Rng(s);
        SampleStartState(_rng, options);
        OnStart();
        _started = true;
        _ended = false;
        WriteObservation();
        return ObsMemory;
    }

    public ReadOnlyMemory<double> SetState(ReadOnlySpan<double> state)
    {
        if (state.Length != S.Length)
            throw new ArgumentException($"{Id}: state has length {state.Length}; this env's state has {S.Length} values");
        state.CopyTo(S);
        OnStart();
        _started = true;
        _ended = false;
        WriteObservation();
        return ObsMemory;
    }

    public abstract StepResult Step(ReadOnlySpan<double> action);

    /// <summary>Draws the start state into <see cref="S"/> (Gymnasium's reset distribution).</summary>
    protected abstract void SampleStartState(Rng rng, ResetOptions? options);

    /// <summary>Per-episode bookkeeping after the start state was set (by Reset or SetState).</summary>
    protected virtual void OnStart() { }

    /// <summary>Writes the observation of the current state into <see cref="Obs"/>.</summary>
    protected abstract void WriteObservation();

    /// <summary>Throws unless an episode is running (<paramref name="allowAfterEnd"/>: CartPole's documented post-termination steps).</summary>
    protected void EnsureCanStep(bool allowAfterEnd = false)
    {
        if (!_started)
            throw new InvalidOperationException($"{Id}: Step was called before Reset; call Reset (or SetState) first.");
        if (_ended && !allowAfterEnd)
            throw new InvalidOperationException($"{Id}: Step was called after the episode terminated; call Reset to start a new episode.");
    }

    /// <summary>Marks the episode as ended (terminated).</summary>
    protected void MarkEnded() => _ended = true;

    /// <summary>Uniform start bounds: Gymnasium's <c>maybe_parse_reset_bounds</c>.</summary>
    protected (double Low, double High) ResetBounds(ResetOptions? options, double defaultLow, double defaultHigh)
    {
        double low = options?.Low ?? defaultLow, high = options?.High ?? defaultHigh;
        if (!double.IsFinite(low) || !double.IsFinite(high))
            throw new ArgumentException($"{Id}: reset bounds must be finite (got low {Fmt.D(low)}, high {Fmt.D(high)})");
        if (low > high)
            throw new ArgumentException($"{Id}: reset lower bound {Fmt.D(low)} must not exceed the upper bound {Fmt.D(high)}");
        return (low, high);
    }

    /// <summary>Reads a discrete action index, or throws <see cref="ArgumentException"/> naming the value and the allowed range.</summary>
    protected int DiscreteAction(ReadOnlySpan<double> action, int n)
    {
        if (action.Length == 1)
        {
            double a = action[0];
            int i = (int)a;
            if (i == a && (uint)i < (uint)n) return i;
        }
        throw BadAction(action);
    }

    /// <summary>Reads a one-dimensional Box action as float32 (the Box dtype); NaN, infinities and wrong lengths throw.</summary>
    protected float BoxAction(ReadOnlySpan<double> action)
    {
        if (action.Length == 1 && double.IsFinite(action[0])) return (float)action[0];
        throw BadAction(action);
    }

    private ArgumentException BadAction(ReadOnlySpan<double> action)
    {
        string why = ActionSpace.Explain(action)
            ?? $"value {(action.Length > 0 ? Fmt.D(action[0]) : "")} is not a finite number in {ActionSpace}";
        return new ArgumentException($"{Id}: invalid action: {why}");
    }

    /// <summary>Float32 cast widened back to double (how Gymnasium's observations reach us).</summary>
    protected static double F32(double x) => (float)x;

    public void Save(Snapshot into)
    {
        into.Write(S);
        into.Write(Obs);
        into.Write(_rng.GetState());
        into.Write(_started);
        into.Write(_ended);
        SaveExtra(into);
    }

    public void Load(SnapshotReader from)
    {
        from.ReadDoubles(S);
        from.ReadDoubles(Obs);
        _rng = Rng.FromState(from.ReadRng());
        _started = from.ReadBool();
        _ended = from.ReadBool();
        LoadExtra(from);
    }

    protected virtual void SaveExtra(Snapshot into) { }

    protected virtual void LoadExtra(SnapshotReader from) { }

    public override string ToString() => Id;
}
