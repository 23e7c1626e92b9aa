using System.Runtime.InteropServices;
using NatPolicy.Agents.Policies;

namespace NatPolicy.Agents;

/// <summary>
/// A policy's view of one batch of rows (observations count×n and, when given, actions count×d, row-major), loaded
/// once (<see cref="Load"/>) and evaluated at any θ (length P, passed in on every call): the policy gradient and the
/// per-group gradients of noise shrinkage, scores, log-probabilities, the mean entropy and KL, Fisher-vector
/// products. The batch quantities of an iteration (trainer, Fisher operator, line search) all go through it.
/// This base class evaluates row by row through <see cref="IPolicy"/> (setting θ on the policy for the call and
/// restoring it exactly); <see cref="ParametricPolicy"/>'s batch runs the feature map once per θ and reuses it.
/// Every result has the bits of the row-by-row <see cref="IPolicy"/> calls unless a method says otherwise.
/// Allocated once (capacity rows); no call allocates. Belongs to one policy; not thread-safe.
/// </summary>
public class PolicyBatch
{
    private readonly double[] _observations;
    private readonly double[] _actions;
    private readonly double[] _saved;
    private readonly double[] _score;

    public PolicyBatch(IPolicy policy, int capacity)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a batch holds at least one row.");
        Policy = policy;
        Capacity = capacity;
        _observations = new double[capacity * policy.ObservationDimension];
        _actions = new double[capacity * policy.ActionSpace.Dimension];
        _saved = new double[policy.ParameterCount];
        _score = new double[policy.ParameterCount];
    }

    /// <summary>The policy whose distributions this batch evaluates (its θ is not used: every call passes θ).</summary>
    public IPolicy Policy { get; }

    public int Capacity { get; }

    /// <summary>Rows loaded by the last <see cref="Load"/> (0 before it).</summary>
    public int Count { get; private set; }

    /// <summary>Whether the last <see cref="Load"/> had actions (needed by scores, log-probabilities and gradients).</summary>
    public bool HasActions { get; private set; }

    private int N => Policy.ObservationDimension;
    private int D => Policy.ActionSpace.Dimension;

    public ReadOnlySpan<double> Observations => _observations.AsSpan(0, Count * N);
    public ReadOnlySpan<double> Actions => HasActions ? _actions.AsSpan(0, Count * D) : [];
    public ReadOnlySpan<double> Observation(int r) => _observations.AsSpan(r * N, N);
    public ReadOnlySpan<double> Action(int r) => _actions.AsSpan(r * D, D);

    /// <summary>
    /// Copies <paramref name="count"/> rows in (1 ≤ count ≤ <see cref="Capacity"/>); <paramref name="actions"/> may
    /// be empty when only state quantities (entropy, KL, Fisher products) are wanted. Subclasses then do the
    /// θ-independent work on the rows (random features) and forget every θ-dependent result.
    /// </summary>
    public virtual void Load(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, int count)
    {
        if (count < 1 || count > Capacity)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"a batch of capacity {Capacity} holds 1 … {Capacity} rows.");
        if (observations.Length < count * N)
            throw new ArgumentException($"observations hold {observations.Length} values; {count} rows of {N} need {count * N}.", nameof(observations));
        bool hasActions = !actions.IsEmpty;
        if (hasActions && actions.Length < count * D)
            throw new ArgumentException($"actions hold {actions.Length} values; {count} rows of {D} need {count * D}.", nameof(actions));
        observations[..(count * N)].CopyTo(_observations);
        if (hasActions) actions[..(count * D)].CopyTo(_actions);
        Count = count;
        HasActions = hasActions;
    }

    /// <summary>True when the loaded rows are bit for bit these (actions too, unless <paramref name="actions"/> is empty).</summary>
    public bool Holds(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, int count)
    {
        if (count != Count || (!actions.IsEmpty && !HasActions)) return false;
        if (!SameBits(observations[..(count * N)], Observations)) return false;
        return actions.IsEmpty || SameBits(actions[..(count * D)], Actions);
    }

    /// <summary>Bitwise equality (NaN payloads and the sign of zero count).</summary>
    public static bool SameBits(ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        MemoryMarshal.AsBytes(a).SequenceEqual(MemoryMarshal.AsBytes(b));

    // ---- evaluations at θ ----

    /// <summary>
    /// sums (groups × P, row-major) = the weighted score sums: row g = (1/count) Σ_{r ≡ g (mod groups)} w_r ∇θ log π_θ(a_r|s_r),
    /// each term rounded as (w_r/count)·score and added in increasing r. groups = 1 gives the policy gradient
    /// g = Ê[Â ∇θ log π]; groups = N env copies (time-major rows) gives each copy's share of it (noise shrinkage).
    /// </summary>
    public virtual void ScoreSums(ReadOnlySpan<double> theta, ReadOnlySpan<double> weights, int groups, Span<double> sums)
    {
        RequireActions();
        int p = Policy.ParameterCount;
        CheckGroups(groups, sums.Length, p);
        sums[..(groups * p)].Clear();
        bool moved = Enter(theta);
        try
        {
            for (int r = 0; r < Count; r++)
            {
                Policy.Score(Observation(r), Action(r), _score);
                double w = weights[r] / Count;
                Span<double> g = sums.Slice(r % groups * p, p);
                for (int j = 0; j < p; j++) g[j] += w * _score[j];
            }
        }
        finally
        {
            Leave(moved);
        }
    }

    /// <summary>The policy gradient g = (1/count) Σ_r w_r ∇θ log π_θ(a_r|s_r) (w = advantages) into <paramref name="gradient"/> (length P).</summary>
    public void PolicyGradient(ReadOnlySpan<double> theta, ReadOnlySpan<double> weights, Span<double> gradient) =>
        ScoreSums(theta, weights, 1, gradient);

    /// <summary>Row r of <paramref name="scores"/> (count × P) = ∇θ log π_θ(a_r|s_r).</summary>
    public virtual void Scores(ReadOnlySpan<double> theta, Span<double> scores)
    {
        RequireActions();
        int p = Policy.ParameterCount;
        bool moved = Enter(theta);
        try
        {
            for (int r = 0; r < Count; r++) Policy.Score(Observation(r), Action(r), scores.Slice(r * p, p));
        }
        finally
        {
            Leave(moved);
        }
    }

    /// <summary>logProbs[r] = log π_θ(a_r|s_r) for r &lt; count.</summary>
    public virtual void LogProbs(ReadOnlySpan<double> theta, Span<double> logProbs)
    {
        RequireActions();
        bool moved = Enter(theta);
        try
        {
            for (int r = 0; r < Count; r++) logProbs[r] = Policy.LogProb(Observation(r), Action(r));
        }
        finally
        {
            Leave(moved);
        }
    }

    /// <summary>(1/count) Σ_r H(π_θ(·|s_r)) in nats, summed in increasing r.</summary>
    public virtual double MeanEntropy(ReadOnlySpan<double> theta)
    {
        bool moved = Enter(theta);
        try
        {
            double sum = 0;
            for (int r = 0; r < Count; r++) sum += Policy.Entropy(Observation(r));
            return sum / Count;
        }
        finally
        {
            Leave(moved);
        }
    }

    /// <summary>(1/count) Σ_r KL(π_θa(·|s_r) ‖ π_θb(·|s_r)), as <see cref="IPolicy.MeanKl"/> on the loaded states.</summary>
    public virtual double MeanKl(ReadOnlySpan<double> thetaA, ReadOnlySpan<double> thetaB) =>
        Policy.MeanKl(thetaA, thetaB, Observations, Count);

    /// <summary>
    /// result = F v = (1/count) Σ_r F(s_r) v at θ (the exact per-state Fisher, <see cref="IDifferentiablePolicy.AddFisherVectorProduct"/>
    /// per row). Needs an <see cref="IDifferentiablePolicy"/>.
    /// </summary>
    public virtual void FisherVectorProduct(ReadOnlySpan<double> theta, ReadOnlySpan<double> v, Span<double> result)
    {
        var dp = Policy as IDifferentiablePolicy ?? throw new InvalidOperationException(
            $"Fisher-vector products need an {nameof(IDifferentiablePolicy)}; got {Policy.GetType().Name}.");
        int p = Policy.ParameterCount;
        result[..p].Clear();
        double scale = 1.0 / Count;
        bool moved = Enter(theta);
        try
        {
            for (int r = 0; r < Count; r++) dp.AddFisherVectorProduct(Observation(r), v, scale, result);
        }
        finally
        {
            Leave(moved);
        }
    }

    private protected void RequireActions()
    {
        if (Count == 0) throw new InvalidOperationException("no rows loaded: call Load first.");
        if (!HasActions) throw new InvalidOperationException("this needs the actions: load them with the observations.");
    }

    private protected static void CheckGroups(int groups, int length, int p)
    {
        if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), groups, "at least one group.");
        if (length < groups * p) throw new ArgumentException($"{groups} sums of length {p} need {groups * p} values, got {length}.", nameof(groups));
    }

    /// <summary>Sets θ on the policy when it differs (bitwise) from the current one; true when it did.</summary>
    private bool Enter(ReadOnlySpan<double> theta)
    {
        if (theta.Length != _saved.Length)
            throw new ArgumentException($"theta has length {theta.Length}; this policy has {_saved.Length} parameters.", nameof(theta));
        Policy.GetParameters(_saved);
        if (SameBits(theta, _saved)) return false;
        Policy.SetParameters(theta);
        return true;
    }

    private void Leave(bool moved)
    {
        if (moved) Policy.SetParameters(_saved);
    }
}
