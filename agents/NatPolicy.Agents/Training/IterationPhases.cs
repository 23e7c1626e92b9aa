using System.Diagnostics;

namespace NatPolicy.Agents.Training;

/// <summary>
/// Where one <see cref="Trainer.RunIteration"/> spent its time, in <see cref="Stopwatch"/> ticks
/// (<see cref="Stopwatch.Frequency"/> per second), read from the clock between the steps (no allocation).
/// </summary>
/// <param name="Collection">Sampling actions and stepping the envs (step 1).</param>
/// <param name="Advantages">The critic's predictions and GAE (step 2).</param>
/// <param name="Gradient">The policy gradient and the mean entropy (step 3).</param>
/// <param name="Direction">The update without its line search: the natural direction (Fisher products, CG or a factorisation) and the step size (step 4).</param>
/// <param name="LineSearch">TRPO's backtracking line search (0 for the other updates).</param>
/// <param name="CriticFit">Refitting the critic (step 5).</param>
/// <param name="Rest">The KL of the step, the safety checks and the log row.</param>
public readonly record struct IterationPhases(long Collection, long Advantages, long Gradient, long Direction, long LineSearch, long CriticFit, long Rest)
{
    /// <summary>Names of the phases, in the order of <see cref="Seconds"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["collection", "advantages", "gradient", "direction", "line search", "critic fit", "rest"];

    /// <summary>The whole iteration.</summary>
    public long Total => Collection + Advantages + Gradient + Direction + LineSearch + CriticFit + Rest;

    /// <summary>Seconds of the phase with index <paramref name="k"/> of <see cref="Names"/>.</summary>
    public double Seconds(int k) => (double)(k switch
    {
        0 => Collection,
        1 => Advantages,
        2 => Gradient,
        3 => Direction,
        4 => LineSearch,
        5 => CriticFit,
        6 => Rest,
        _ => throw new ArgumentOutOfRangeException(nameof(k), k, "a phase index 0 … 6"),
    }) / Stopwatch.Frequency;

    /// <summary>
    /// Ticks spent in the update's line search on this thread since the trainer last reset it (a trainer runs on one
    /// thread, so parallel cells keep their own counts).
    /// </summary>
    [ThreadStatic]
    internal static long LineSearchTicks;
}
