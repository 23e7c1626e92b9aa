using NatPolicy.Core;

namespace NatPolicy.Agents;

/// <summary>
/// A stochastic policy π_θ(a|s) over a flat parameter vector θ ∈ ℝᴾ. Observations are rows of length
/// <see cref="ObservationDimension"/>; actions are rows of length <see cref="ActionSpace"/>.Dimension (a discrete
/// action is one double holding its index). Batches are row-major.
/// Instances own scratch buffers: not thread-safe, nothing allocated per call on the hot paths (sample, log-prob,
/// score). Use <see cref="Clone"/> for another thread.
/// </summary>
public interface IPolicy
{
    int ObservationDimension { get; }
    Space ActionSpace { get; }

    /// <summary>P, the length of θ.</summary>
    int ParameterCount { get; }

    void GetParameters(Span<double> theta);
    void SetParameters(ReadOnlySpan<double> theta);

    /// <summary>Draws a ~ π_θ(·|s) into <paramref name="action"/>.</summary>
    void Sample(ReadOnlySpan<double> observation, Rng rng, Span<double> action);

    /// <summary>The deterministic action: argmax for softmax, the mean for Gaussian.</summary>
    void MeanAction(ReadOnlySpan<double> observation, Span<double> action);

    double LogProb(ReadOnlySpan<double> observation, ReadOnlySpan<double> action);

    /// <summary>Writes the score ∇_θ log π_θ(a|s) (length P) and returns log π_θ(a|s).</summary>
    double Score(ReadOnlySpan<double> observation, ReadOnlySpan<double> action, Span<double> score);

    /// <summary>Entropy H(π_θ(·|s)) in nats.</summary>
    double Entropy(ReadOnlySpan<double> observation);

    /// <summary>
    /// Mean over the <paramref name="count"/> rows of <paramref name="observations"/> of KL(π_θa(·|s) ‖ π_θb(·|s)),
    /// analytic per state. Leaves the policy's own θ unchanged.
    /// </summary>
    double MeanKl(ReadOnlySpan<double> thetaA, ReadOnlySpan<double> thetaB, ReadOnlySpan<double> observations, int count);

    /// <summary>An independent copy with the same structure and θ.</summary>
    IPolicy Clone();
}
