using NatPolicy.Core;

namespace NatPolicy.Envs.Wrappers;

/// <summary>
/// Gymnasium's <c>RecordEpisodeStatistics</c>: accumulates the undiscounted return and the length of the running
/// episode and puts them in <see cref="StepResult.Episode"/> on the step that ends it.
/// </summary>
public sealed class RecordEpisodeStatistics(IEnv inner) : EnvWrapper(inner)
{
    private double _return;
    private int _length;

    /// <summary>Return accumulated so far in the running episode.</summary>
    public double EpisodeReturn => _return;

    /// <summary>Steps taken so far in the running episode.</summary>
    public int EpisodeLength => _length;

    public override ReadOnlyMemory<double> Reset(ulong? seed = null, ResetOptions? options = null)
    {
        var obs = Inner.Reset(seed, options);
        _return = 0;
        _length = 0;
        return obs;
    }

    public override StepResult Step(ReadOnlySpan<double> action)
    {
        var r = Inner.Step(action);
        _return += r.Reward;
        _length++;
        return r.Done ? r with { Episode = new EpisodeStats(_return, _length) } : r;
    }

    protected override void SaveOwn(Snapshot into)
    {
        into.Write(_return);
        into.Write((long)_length);
    }

    protected override void LoadOwn(SnapshotReader from)
    {
        _return = from.ReadDouble();
        _length = (int)from.ReadLong();
    }
}
