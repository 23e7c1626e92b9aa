using NatPolicy.Core;

namespace NatPolicy.Envs.Wrappers;

/// <summary>
/// Gymnasium's <c>NormalizeObservation</c>: keeps running per-dimension mean and variance of the observations
/// (updated on every Reset and Step unless <see cref="Frozen"/>) and returns
/// z = clip((x − μ) / sqrt(σ² + ε), ±clip). <see cref="Statistics"/> is saved with a policy.
/// </summary>
public sealed class NormalizeObservation : EnvWrapper
{
    private readonly double[] _normalized;
    private readonly ReadOnlyMemory<double> _normalizedMemory;

    public NormalizeObservation(IEnv inner, double epsilon = 1e-8, double clip = 10.0) : base(inner)
    {
        int d = inner.ObservationSpace.Dimension;
        Statistics = new RunningMeanStd(d, epsilon, clip);
        _normalized = new double[d];
        _normalizedMemory = _normalized;
        ObservationSpace = BoxSpace.Uniform(-clip, clip, d);
    }

    /// <summary>The running statistics (load saved ones with <see cref="RunningMeanStd.Load(ReadOnlySpan{double}, ReadOnlySpan{double}, double)"/>).</summary>
    public RunningMeanStd Statistics { get; }

    /// <summary>When true the statistics are no longer updated (evaluation).</summary>
    public bool Frozen
    {
        get => Statistics.Frozen;
        set => Statistics.Frozen = value;
    }

    public override BoxSpace ObservationSpace { get; }

    public override ReadOnlyMemory<double> Reset(ulong? seed = null, ResetOptions? options = null) =>
        Normalize(Inner.Reset(seed, options).Span);

    public override StepResult Step(ReadOnlySpan<double> action)
    {
        var r = Inner.Step(action);
        return r with { Observation = Normalize(r.Observation.Span) };
    }

    private ReadOnlyMemory<double> Normalize(ReadOnlySpan<double> obs)
    {
        Statistics.Update(obs, 1);
        Statistics.Normalize(obs, _normalized);
        return _normalizedMemory;
    }

    protected override void SaveOwn(Snapshot into)
    {
        Statistics.Save(into);
        into.Write(_normalized);
    }

    protected override void LoadOwn(SnapshotReader from)
    {
        Statistics.Load(from);
        from.ReadDoubles(_normalized);
    }
}
