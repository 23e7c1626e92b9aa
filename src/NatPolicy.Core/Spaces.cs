namespace NatPolicy.Core;

/// <summary>
/// An action or observation space (Gymnasium's <c>Discrete</c> and <c>Box</c>). Values of every space are carried as
/// rows of doubles: a discrete value is one double holding an integer index, a box value is one double per dimension.
/// This keeps rollout buffers, policies and wrappers uniform and allocation-free while <see cref="Contains"/> keeps
/// them honest.
/// </summary>
public abstract record Space
{
    /// <summary>Length of one value of this space as a row of doubles (1 for <see cref="DiscreteSpace"/>).</summary>
    public abstract int Dimension { get; }

    /// <summary>True when <paramref name="value"/> is a member of the space (right length, finite, in bounds, integral where discrete).</summary>
    public abstract bool Contains(ReadOnlySpan<double> value);

    /// <summary>Writes a uniformly drawn member into <paramref name="value"/> (Box: uniform on bounded dims; N(0,1), shifted exponential for half-bounded ones, as Gymnasium).</summary>
    public abstract void Sample(Rng rng, Span<double> value);

    /// <summary>One line saying why <paramref name="value"/> is not a member, or null when it is.</summary>
    public abstract string? Explain(ReadOnlySpan<double> value);
}

/// <summary>Gymnasium's <c>Discrete(n)</c>: the integers 0 … n−1 (n ≥ 1).</summary>
public sealed record DiscreteSpace : Space
{
    public DiscreteSpace(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "A discrete space needs n ≥ 1.");
        N = n;
    }

    public int N { get; }
    public override int Dimension => 1;

    public bool Contains(int action) => action >= 0 && action < N;

    public override bool Contains(ReadOnlySpan<double> value) => Explain(value) is null;

    public override string? Explain(ReadOnlySpan<double> value)
    {
        if (value.Length != 1) return $"action has length {value.Length}; Discrete({N}) takes one integer in [0, {N - 1}]";
        double a = value[0];
        if (double.IsNaN(a) || a != Math.Floor(a) || a < 0 || a >= N)
            return $"action {Fmt.D(a)} is not in Discrete({N}): allowed are the integers 0 to {N - 1}";
        return null;
    }

    public override void Sample(Rng rng, Span<double> value) => value[0] = rng.NextInt(N);

    public override string ToString() => $"Discrete({N})";
}

/// <summary>
/// Gymnasium's <c>Box(low, high)</c> with float32 bounds (stored widened to double). Infinite bounds are allowed.
/// </summary>
public sealed record BoxSpace : Space
{
    private readonly double[] _low;
    private readonly double[] _high;

    public BoxSpace(double[] low, double[] high)
    {
        if (low.Length != high.Length || low.Length == 0)
            throw new ArgumentException($"Box bounds need equal non-zero lengths (got {low.Length} and {high.Length}).");
        for (int i = 0; i < low.Length; i++)
            if (double.IsNaN(low[i]) || double.IsNaN(high[i]) || low[i] > high[i])
                throw new ArgumentException($"Box bound {i} is invalid: low {Fmt.D(low[i])}, high {Fmt.D(high[i])}.");
        _low = (double[])low.Clone();
        _high = (double[])high.Clone();
    }

    /// <summary>A box with the same bounds in every dimension.</summary>
    public static BoxSpace Uniform(double low, double high, int dim) =>
        new(Enumerable.Repeat(low, dim).ToArray(), Enumerable.Repeat(high, dim).ToArray());

    public ReadOnlySpan<double> Low => _low;
    public ReadOnlySpan<double> High => _high;
    public override int Dimension => _low.Length;

    public override bool Contains(ReadOnlySpan<double> value) => Explain(value) is null;

    public override string? Explain(ReadOnlySpan<double> value)
    {
        if (value.Length != _low.Length) return $"action has length {value.Length}; {this} takes {_low.Length} values";
        for (int i = 0; i < value.Length; i++)
        {
            double v = value[i];
            if (double.IsNaN(v) || v < _low[i] || v > _high[i])
                return $"value {Fmt.D(v)} at index {i} is outside {this}: allowed is [{Fmt.D(_low[i])}, {Fmt.D(_high[i])}]";
        }
        return null;
    }

    public override void Sample(Rng rng, Span<double> value)
    {
        for (int i = 0; i < _low.Length; i++)
        {
            double lo = _low[i], hi = _high[i];
            bool loFinite = !double.IsInfinity(lo), hiFinite = !double.IsInfinity(hi);
            double x = (loFinite, hiFinite) switch
            {
                (true, true) => rng.NextDouble(lo, hi),
                (true, false) => lo - Math.Log(1.0 - rng.NextDouble()),
                (false, true) => hi + Math.Log(1.0 - rng.NextDouble()),
                _ => rng.NextGaussian(),
            };
            value[i] = (float)x; // Box dtype is float32, as Gymnasium's.
        }
    }

    public bool Equals(BoxSpace? other) =>
        other is not null && _low.AsSpan().SequenceEqual(other._low) && _high.AsSpan().SequenceEqual(other._high);

    public override int GetHashCode() => HashCode.Combine(_low.Length, _low.Length > 0 ? _low[0] : 0, _high.Length > 0 ? _high[0] : 0);

    public override string ToString() =>
        _low.Distinct().Count() == 1 && _high.Distinct().Count() == 1
            ? $"Box({Fmt.D(_low[0])}, {Fmt.D(_high[0])}, ({_low.Length},))"
            : $"Box([{string.Join(", ", _low.Select(Fmt.D))}], [{string.Join(", ", _high.Select(Fmt.D))}])";
}
