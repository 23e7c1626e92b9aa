using NatPolicy.Core;

namespace NatPolicy.Envs.Vector;

/// <summary>
/// N copies of an env stepped one after the other (deterministic, allocation-free), with same-step auto-reset
/// (see <see cref="IVectorEnv"/>): a copy whose episode ends on a step is reset at once, unseeded (continuing its own
/// generator), its row of <see cref="Observations"/> holds the new episode's first observation, its last observation
/// is in <see cref="FinalObservations"/> and its statistics in <see cref="FinishedEpisodes"/>.
/// <see cref="Reset(ulong)"/> seeds copy i with <c>seed + i</c> (Gymnasium's convention).
/// </summary>
public sealed class SyncVectorEnv : IVectorEnv, ISnapshotable
{
    private readonly IEnv[] _envs;
    private readonly int _obsDim;
    private readonly int _actDim;
    private readonly double[] _obs;
    private readonly double[] _finalObs;
    private readonly double[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private readonly EpisodeStats?[] _finished;
    private readonly double[] _episodeReturn;
    private readonly int[] _episodeLength;
    private bool _started;

    /// <param name="envs">The copies (usually from <see cref="EnvRegistry.Make"/>), all with the same spaces; owned by the vector env from now on.</param>
    public SyncVectorEnv(IReadOnlyList<IEnv> envs)
    {
        ArgumentNullException.ThrowIfNull(envs);
        if (envs.Count == 0) throw new ArgumentException("a vector env needs at least one copy");
        _envs = envs.ToArray();
        SingleActionSpace = _envs[0].ActionSpace;
        SingleObservationSpace = _envs[0].ObservationSpace;
        Spec = _envs[0].Spec;
        for (int i = 1; i < _envs.Length; i++)
            if (!_envs[i].ActionSpace.Equals(SingleActionSpace) || !_envs[i].ObservationSpace.Equals(SingleObservationSpace))
                throw new ArgumentException($"copy {i} has spaces {_envs[i].ActionSpace}/{_envs[i].ObservationSpace}; copy 0 has {SingleActionSpace}/{SingleObservationSpace}");
        int n = _envs.Length;
        _obsDim = SingleObservationSpace.Dimension;
        _actDim = SingleActionSpace.Dimension;
        _obs = new double[n * _obsDim];
        _finalObs = new double[n * _obsDim];
        _rewards = new double[n];
        _terminated = new bool[n];
        _truncated = new bool[n];
        _finished = new EpisodeStats?[n];
        _episodeReturn = new double[n];
        _episodeLength = new int[n];
    }

    public int Count => _envs.Length;
    public EnvSpec? Spec { get; }
    public Space SingleActionSpace { get; }
    public BoxSpace SingleObservationSpace { get; }

    /// <summary>Copy <paramref name="i"/> (for inspection; stepping it directly breaks the vector env's bookkeeping).</summary>
    public IEnv GetCopy(int i) => _envs[i];

    public ReadOnlySpan<double> Observations => _obs;
    public ReadOnlySpan<double> FinalObservations => _finalObs;
    public ReadOnlySpan<double> Rewards => _rewards;
    public ReadOnlySpan<bool> Terminated => _terminated;
    public ReadOnlySpan<bool> Truncated => _truncated;
    public ReadOnlySpan<EpisodeStats?> FinishedEpisodes => _finished;

    public void Reset(ulong seed)
    {
        for (int i = 0; i < _envs.Length; i++)
        {
            var o = _envs[i].Reset(seed + (ulong)i);
            o.Span.CopyTo(_obs.AsSpan(i * _obsDim, _obsDim));
            _episodeReturn[i] = 0;
            _episodeLength[i] = 0;
        }
        Array.Clear(_rewards);
        Array.Clear(_terminated);
        Array.Clear(_truncated);
        Array.Clear(_finished);
        _started = true;
    }

    public void Step(ReadOnlySpan<double> actions)
    {
        if (!_started) throw new InvalidOperationException("SyncVectorEnv: Step was called before Reset; call Reset(seed) first.");
        if (actions.Length != _envs.Length * _actDim)
            throw new ArgumentException($"actions has length {actions.Length}; expected {_envs.Length} copies × {_actDim} = {_envs.Length * _actDim}");
        for (int i = 0; i < _envs.Length; i++)
        {
            var r = _envs[i].Step(actions.Slice(i * _actDim, _actDim));
            _rewards[i] = r.Reward;
            _terminated[i] = r.Terminated;
            _truncated[i] = r.Truncated;
            _episodeReturn[i] += r.Reward;
            _episodeLength[i]++;
            var row = _obs.AsSpan(i * _obsDim, _obsDim);
            if (r.Done)
            {
                r.Observation.Span.CopyTo(_finalObs.AsSpan(i * _obsDim, _obsDim));
                _finished[i] = new EpisodeStats(_episodeReturn[i], _episodeLength[i]);
                _episodeReturn[i] = 0;
                _episodeLength[i] = 0;
                _envs[i].Reset().Span.CopyTo(row);
            }
            else
            {
                _finished[i] = null;
                r.Observation.Span.CopyTo(row);
            }
        }
    }

    public void Save(Snapshot into)
    {
        into.Write(_started);
        into.Write(_obs);
        into.Write(_finalObs);
        into.Write(_rewards);
        into.Write(_episodeReturn);
        for (int i = 0; i < _envs.Length; i++)
        {
            into.Write(_terminated[i]);
            into.Write(_truncated[i]);
            into.Write((long)_episodeLength[i]);
            into.Write(_finished[i].HasValue);
            into.Write(_finished[i]?.Return ?? 0.0);
            into.Write((long)(_finished[i]?.Length ?? 0));
        }
        foreach (var env in _envs) Snapshotable(env).Save(into);
    }

    public void Load(SnapshotReader from)
    {
        _started = from.ReadBool();
        from.ReadDoubles(_obs);
        from.ReadDoubles(_finalObs);
        from.ReadDoubles(_rewards);
        from.ReadDoubles(_episodeReturn);
        for (int i = 0; i < _envs.Length; i++)
        {
            _terminated[i] = from.ReadBool();
            _truncated[i] = from.ReadBool();
            _episodeLength[i] = (int)from.ReadLong();
            bool has = from.ReadBool();
            double ret = from.ReadDouble();
            int len = (int)from.ReadLong();
            _finished[i] = has ? new EpisodeStats(ret, len) : null;
        }
        foreach (var env in _envs) Snapshotable(env).Load(from);
    }

    public bool CanSnapshot => Array.TrueForAll(_envs, ISnapshotable.Supported);

    private static ISnapshotable Snapshotable(IEnv env) =>
        env as ISnapshotable ?? throw new InvalidOperationException($"SyncVectorEnv: copy {env} is not ISnapshotable");
}
