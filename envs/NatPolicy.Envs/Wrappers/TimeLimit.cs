using NatPolicy.Core;

namespace NatPolicy.Envs.Wrappers;

/// <summary>
/// Gymnasium's <c>TimeLimit</c>: sets <see cref="StepResult.Truncated"/> on the step where the episode's step count
/// reaches <see cref="MaxEpisodeSteps"/> (both flags can be true on one step). Once an episode has ended (terminated
/// or truncated), Step throws <see cref="InvalidOperationException"/> until Reset.
/// <see cref="Spec"/> is the one given (the registry entry, as <c>gymnasium.make</c> sets it) or the inner env's.
/// </summary>
public sealed class TimeLimit : EnvWrapper
{
    private int _elapsed;
    private bool _started;
    private bool _ended;

    private readonly EnvSpec? _spec;

    public TimeLimit(IEnv inner, int maxEpisodeSteps, EnvSpec? spec = null) : base(inner)
    {
        _spec = spec;
        if (maxEpisodeSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "the time limit must be at least 1 step");
        MaxEpisodeSteps = maxEpisodeSteps;
    }

    public int MaxEpisodeSteps { get; }

    public override EnvSpec? Spec => _spec ?? Inner.Spec;

    /// <summary>Steps taken in the current episode.</summary>
    public int ElapsedSteps => _elapsed;

    public override ReadOnlyMemory<double> Reset(ulong? seed = null, ResetOptions? options = null)
    {
        var obs = Inner.Reset(seed, options);
        _elapsed = 0;
        _started = true;
        _ended = false;
        return obs;
    }

    public override StepResult Step(ReadOnlySpan<double> action)
    {
        if (!_started)
            throw new InvalidOperationException($"{Spec?.Id ?? Inner.ToString()}: Step was called before Reset; call Reset first.");
        if (_ended)
            throw new InvalidOperationException($"{Spec?.Id ?? Inner.ToString()}: Step was called after the episode ended (terminated or truncated); call Reset first.");
        var r = Inner.Step(action);
        _elapsed++;
        bool truncated = r.Truncated || _elapsed >= MaxEpisodeSteps;
        if (r.Terminated || truncated) _ended = true;
        return truncated == r.Truncated ? r : r with { Truncated = truncated };
    }

    protected override void SaveOwn(Snapshot into)
    {
        into.Write((long)_elapsed);
        into.Write(_started);
        into.Write(_ended);
    }

    protected override void LoadOwn(SnapshotReader from)
    {
        _elapsed = (int)from.ReadLong();
        _started = from.ReadBool();
        _ended = from.ReadBool();
    }
}
