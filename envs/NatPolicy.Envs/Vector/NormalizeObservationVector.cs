using NatPolicy.Core;

namespace NatPolicy.Envs.Vector;

/// <summary>
/// Observation normalisation for a vector env (Stable-Baselines3's VecNormalize, observations only): one shared
/// <see cref="RunningMeanStd"/> is updated with every Reset's and Step's inner observations (all copies as one
/// batch, unless <see cref="Frozen"/>), then both Observations and FinalObservations are normalised with it.
/// </summary>
public sealed class NormalizeObservationVector(IVectorEnv inner, double epsilon = 1e-8, double clip = 10.0)
    : ObservationVectorWrapper(inner, BoxSpace.Uniform(-clip, clip, inner.SingleObservationSpace.Dimension))
{
    /// <summary>The shared running statistics (saved with a policy; restore with <see cref="RunningMeanStd.Load(ReadOnlySpan{double}, ReadOnlySpan{double}, double)"/>).</summary>
    public RunningMeanStd Statistics { get; } = new(inner.SingleObservationSpace.Dimension, epsilon, clip);

    public bool Frozen
    {
        get => Statistics.Frozen;
        set => Statistics.Frozen = value;
    }

    protected override void Observe(ReadOnlySpan<double> observations) => Statistics.Update(observations, Count);

    protected override void Transform(ReadOnlySpan<double> source, Span<double> target) => Statistics.Normalize(source, target);

    public override void Save(Snapshot into)
    {
        Statistics.Save(into);
        base.Save(into);
    }

    public override void Load(SnapshotReader from)
    {
        Statistics.Load(from);
        base.Load(from);
    }
}
