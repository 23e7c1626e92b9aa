namespace NatPolicy.Core;

/// <summary>
/// What a finished episode looked like (Gymnasium's <c>info["episode"]</c> from <c>RecordEpisodeStatistics</c>):
/// undiscounted return and number of steps.
/// </summary>
public readonly record struct EpisodeStats(double Return, int Length);

/// <summary>
/// The result of <see cref="IEnv.Step"/>: Gymnasium's <c>(obs, reward, terminated, truncated, info)</c>.
/// <para><see cref="Observation"/> is a view of the environment's own buffer: valid until the next
/// <c>Step</c>/<c>Reset</c> of that environment; copy it to keep it.</para>
/// <para><see cref="Terminated"/>: the MDP reached a terminal state (no bootstrap).
/// <see cref="Truncated"/>: the episode was cut short from outside the MDP, e.g. a time limit (bootstrap from V(s')).
/// Both can be true on one step.</para>
/// </summary>
/// <param name="Episode">Set on the step that ends an episode when an episode-statistics wrapper is present.</param>
public readonly record struct StepResult(
    ReadOnlyMemory<double> Observation,
    double Reward,
    bool Terminated,
    bool Truncated,
    EpisodeStats? Episode = null)
{
    public bool Done => Terminated || Truncated;
}

/// <summary>Gymnasium's <c>reset</c> options. <see cref="Low"/>/<see cref="High"/> override the uniform range of the start state where the env supports it.</summary>
public sealed record ResetOptions(double? Low = null, double? High = null);

/// <summary>
/// A Gymnasium-style environment. Observations and actions are rows of doubles (see <see cref="Space"/>).
/// <para>Contract: <see cref="Step"/> before <see cref="Reset"/>, or after an episode ended, throws
/// <see cref="InvalidOperationException"/> (CartPole documents its own post-termination behaviour);
/// an action outside <see cref="ActionSpace"/> throws <see cref="ArgumentException"/>.</para>
/// Not thread-safe; hot paths allocate nothing per step.
/// </summary>
public interface IEnv
{
    /// <summary>Registry entry this env was made from (id, time limit, reward threshold), or null for an unregistered
    /// env (the default: a user's env need not implement it; <c>EnvRegistry.Make</c> puts the entry on its wrapper).</summary>
    EnvSpec? Spec => null;

    Space ActionSpace { get; }

    BoxSpace ObservationSpace { get; }

    /// <summary>
    /// Starts an episode. With a seed the env's generator is reseeded (same seed, same start state); without one it
    /// continues its stream. Returns the first observation (a view valid until the next Step/Reset).
    /// </summary>
    ReadOnlyMemory<double> Reset(ulong? seed = null, ResetOptions? options = null);

    StepResult Step(ReadOnlySpan<double> action);
}

/// <summary>An environment whose internal physical state can be read and set (for replaying recorded trajectories).</summary>
public interface IStatefulEnv : IEnv
{
    /// <summary>The internal state as Gymnasium's <c>env.unwrapped.state</c>, widened to doubles.</summary>
    ReadOnlySpan<double> State { get; }

    /// <summary>
    /// Sets the internal state as if the env had just been reset into it (episode running, step count 0) and
    /// recomputes the observation, which is returned.
    /// </summary>
    ReadOnlyMemory<double> SetState(ReadOnlySpan<double> state);
}

/// <summary>
/// A registry entry, as Gymnasium's <c>EnvSpec</c>: the id, the time limit applied by the TimeLimit wrapper
/// (null: none) and the return at which the task counts as solved (null: none defined).
/// </summary>
public sealed record EnvSpec(string Id, int? MaxEpisodeSteps, double? RewardThreshold);

/// <summary>Convenience overloads.</summary>
public static class EnvExtensions
{
    /// <summary>Steps a discrete-action env with an integer action.</summary>
    public static StepResult Step(this IEnv env, int action)
    {
        Span<double> a = stackalloc double[1];
        a[0] = action;
        return env.Step(a);
    }
}
