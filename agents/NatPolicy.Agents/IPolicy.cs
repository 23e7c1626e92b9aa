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

    /// <summary>
    /// Why the policy with parameters <paramref name="theta"/> cannot be trusted to act (its samples could be
    /// non-finite), or null when it can. The trainer refuses an update that lands on such a θ.
    /// </summary>
    string? Unusable(ReadOnlySpan<double> theta) => null;

    /// <summary>Draws a ~ π_θ(·|s) into <paramref name="action"/>.</summary>
    void Sample(ReadOnlySpan<double> observation, Rng rng, Span<double> action);

    /// <summary>
    /// Draws a ~ π_θ(·|s) into <paramref name="action"/> and returns log π_θ(a|s): the bits of <see cref="Sample"/>
    /// then <see cref="LogProb"/> (policies override it to share the forward pass).
    /// </summary>
    double SampleWithLogProb(ReadOnlySpan<double> observation, Rng rng, Span<double> action)
    {
        Sample(observation, rng, action);
        return LogProb(observation, action);
    }

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
    // ---- Batch helpers. Rows are row-major: observations count×n, actions count×ActionSpace.Dimension. The default
    // bodies work for any IPolicy; ParametricPolicy overrides some with checked versions. ----

    /// <summary>logProbs[i] = log π_θ(aᵢ|sᵢ) for i &lt; count.</summary>
    void LogProbs(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, int count, Span<double> logProbs)
    {
        int n = ObservationDimension, d = ActionSpace.Dimension;
        for (int i = 0; i < count; i++) logProbs[i] = LogProb(observations.Slice(i * n, n), actions.Slice(i * d, d));
    }

    /// <summary>Row i of <paramref name="scores"/> (count×P, row-major) = ∇θ log π_θ(aᵢ|sᵢ).</summary>
    void Scores(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, int count, Span<double> scores)
    {
        int n = ObservationDimension, d = ActionSpace.Dimension, p = ParameterCount;
        for (int i = 0; i < count; i++) Score(observations.Slice(i * n, n), actions.Slice(i * d, d), scores.Slice(i * p, p));
    }

    /// <summary>
    /// The policy gradient g = (1/count) Σᵢ wᵢ ∇θ log π_θ(aᵢ|sᵢ) (w = advantages) into <paramref name="gradient"/>
    /// (length P), summed in row order, each score scaled by wᵢ/count: the row-by-row definition, which
    /// <see cref="PolicyBatch.PolicyGradient"/> (the trainer's step 3) reproduces bit for bit on the linear and
    /// random-Fourier maps.
    /// The score scratch comes from the shared array pool (no allocation once the pool holds one of length P; a
    /// policy that must never allocate passes its own scratch to <see cref="SumScores"/>).
    /// </summary>
    void PolicyGradient(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, ReadOnlySpan<double> weights, int count,
        Span<double> gradient)
    {
        double[] score = System.Buffers.ArrayPool<double>.Shared.Rent(ParameterCount);
        try
        {
            SumScores(this, observations, actions, weights, count, gradient, score.AsSpan(0, ParameterCount));
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(score);
        }
    }

    /// <summary>
    /// <see cref="PolicyGradient"/>'s sum with the caller's score scratch (length P): gradient = Σᵢ (wᵢ/count)·sᵢ,
    /// rows in increasing i, each score sᵢ written by <see cref="Score"/> into <paramref name="score"/>.
    /// </summary>
    static void SumScores(IPolicy policy, ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, ReadOnlySpan<double> weights,
        int count, Span<double> gradient, Span<double> score)
    {
        int n = policy.ObservationDimension, d = policy.ActionSpace.Dimension, p = policy.ParameterCount;
        gradient.Clear();
        for (int i = 0; i < count; i++)
        {
            policy.Score(observations.Slice(i * n, n), actions.Slice(i * d, d), score);
            double w = weights[i] / count;
            for (int j = 0; j < p; j++) gradient[j] += w * score[j];
        }
    }

    /// <summary>
    /// A <see cref="PolicyBatch"/> of up to <paramref name="capacity"/> rows for evaluating this policy's batch
    /// quantities at any θ. The default evaluates row by row; policies override it to reuse work across calls.
    /// </summary>
    PolicyBatch CreateBatch(int capacity) => new(this, capacity);

    /// <summary>Mean over the count rows of the entropy H(π_θ(·|sᵢ)) in nats.</summary>
    double MeanEntropy(ReadOnlySpan<double> observations, int count)
    {
        int n = ObservationDimension;
        double sum = 0;
        for (int i = 0; i < count; i++) sum += Entropy(observations.Slice(i * n, n));
        return sum / count;
    }
}
