namespace NatPolicy.Core;

/// <summary>
/// N copies of one environment stepping together, with same-step auto-reset (Gymnasium's
/// <c>AutoresetMode.SAME_STEP</c>, Stable-Baselines3's VecEnv): when copy i ends an episode on a step, its row of
/// <see cref="Observations"/> already holds the first observation of the next episode, and the last observation of
/// the finished one is in <see cref="FinalObservations"/> (needed to bootstrap V(s) on truncation).
/// All spans are views valid until the next <see cref="Step"/>/<see cref="Reset"/>. Rows are row-major:
/// copy i occupies [i·d, (i+1)·d).
/// </summary>
public interface IVectorEnv
{
    int Count { get; }
    EnvSpec? Spec { get; }
    Space SingleActionSpace { get; }
    BoxSpace SingleObservationSpace { get; }

    /// <summary>Resets every copy; copy i is seeded deterministically from <paramref name="seed"/> and i.</summary>
    void Reset(ulong seed);

    /// <summary>Steps every copy with its row of <paramref name="actions"/> (Count × action dimension).</summary>
    void Step(ReadOnlySpan<double> actions);

    /// <summary>Count × observation dimension: the current observation of each copy.</summary>
    ReadOnlySpan<double> Observations { get; }

    /// <summary>Count × observation dimension: for a copy that just ended an episode, its final observation; otherwise unspecified.</summary>
    ReadOnlySpan<double> FinalObservations { get; }

    ReadOnlySpan<double> Rewards { get; }
    ReadOnlySpan<bool> Terminated { get; }
    ReadOnlySpan<bool> Truncated { get; }

    /// <summary>For a copy that just ended an episode, its statistics (undiscounted return, length); otherwise null.</summary>
    ReadOnlySpan<EpisodeStats?> FinishedEpisodes { get; }
}
