using NatPolicy.Core;
using NatPolicy.Envs.Wrappers;

namespace NatPolicy.Envs.Reference;

/// <summary>
/// Records every finished episode of the env it wraps in the reference-file format (<see cref="ReferenceEpisode"/>):
/// the seed given to Reset, the bare env's state and observation right after Reset, then per step the action
/// applied, the observation, the bare env's state after the step, the reward and both flags as this wrapper saw
/// them (wrap the time-limited env, so truncation is the TimeLimit's). The bare env (<see cref="EnvWrapper.Unwrapped"/>,
/// or the wrapped env itself) must be an <see cref="IStatefulEnv"/>; replaying a recording with
/// <see cref="ReferenceReplayer"/> gives difference 0 when the env is deterministic given its state.
/// <para>Allocates per step (copies of every row); not for training. An episode still running when
/// <see cref="ToFile"/> is called is left out. Snapshots save only the wrapped env, not the recording.</para>
/// </summary>
public sealed class RecordReferenceEpisodes : EnvWrapper
{
    private readonly IStatefulEnv _bare;
    private readonly List<ReferenceEpisode> _episodes = [];
    private List<ReferenceStep>? _steps;
    private double[] _initialState = [];
    private double[] _initialObs = [];
    private long _seed = -1;
    private double _return;

    /// <param name="actionSource">Written as each episode's <c>action_source</c> (the reference files use "lcg" or "policy").</param>
    public RecordReferenceEpisodes(IEnv inner, string actionSource = "policy") : base(inner)
    {
        var bare = inner is EnvWrapper w ? w.Unwrapped : inner;
        _bare = bare as IStatefulEnv
            ?? throw new ArgumentException($"{inner.Spec?.Id ?? bare.GetType().Name}: its state cannot be read (the env does not implement IStatefulEnv), so its episodes cannot be recorded");
        ActionSource = actionSource;
    }

    public string ActionSource { get; }

    /// <summary>The finished episodes so far.</summary>
    public IReadOnlyList<ReferenceEpisode> Episodes => _episodes;

    public override ReadOnlyMemory<double> Reset(ulong? seed = null, ResetOptions? options = null)
    {
        var obs = Inner.Reset(seed, options);
        _seed = seed is { } s ? (long)s : -1;
        _initialState = _bare.State.ToArray();
        _initialObs = obs.ToArray();
        _steps = [];
        _return = 0;
        return obs;
    }

    public override StepResult Step(ReadOnlySpan<double> action)
    {
        var r = Inner.Step(action);
        if (_steps is null) return r;
        _steps.Add(new ReferenceStep(action.ToArray(), r.Observation.ToArray(), _bare.State.ToArray(), r.Reward, r.Terminated, r.Truncated));
        _return += r.Reward;
        if (r.Done)
        {
            _episodes.Add(new ReferenceEpisode(_seed, ActionSource, _initialState, _initialObs, _steps, null, _steps.Count, _return));
            _steps = null;
        }
        return r;
    }

    /// <summary>The finished episodes as a reference file of <paramref name="spec"/>'s env (its time limit is the file's <c>max_episode_steps</c>).</summary>
    public ReferenceFile ToFile(EnvSpec spec)
    {
        if (spec.MaxEpisodeSteps is not { } max) throw new ArgumentException($"{spec.Id} has no time limit; a reference file needs max_episode_steps");
        return new ReferenceFile(spec.Id, max, spec.RewardThreshold, null, _episodes.ToArray())
        {
            ActionSpace = ActionSpace.ToString(),
            ObservationSpace = ObservationSpace.ToString(),
        };
    }

    protected override void SaveOwn(Snapshot into) { }

    protected override void LoadOwn(SnapshotReader from) { }
}
