namespace NatPolicy.Core;

/// <summary>
/// The project's one random generator: xoshiro256** seeded through SplitMix64. Every stochastic call in NatPolicy
/// receives an <see cref="Rng"/> explicitly; there is no hidden global source. Same seed, same stream, on every
/// platform and runtime (unlike <see cref="System.Random"/>, whose algorithm is not specified).
/// Not thread-safe: give each thread (vector-env copy, compare cell) its own generator via <see cref="Derive"/>.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareGaussian;
    private bool _hasSpare;

    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    private Rng(ulong s0, ulong s1, ulong s2, ulong s3, double spare, bool hasSpare)
    {
        (_s0, _s1, _s2, _s3, _spareGaussian, _hasSpare) = (s0, s1, s2, s3, spare, hasSpare);
    }

    /// <summary>An independent child stream, a pure function of (seed, stream): children of one seed never overlap in practice.</summary>
    public static Rng Derive(ulong seed, ulong stream)
    {
        ulong x = seed ^ (0x9E3779B97F4A7C15UL * (stream + 1));
        return new Rng(SplitMix64(ref x) ^ stream);
    }

    /// <summary>A 64-bit seed drawn from this stream (for seeding a child env or generator).</summary>
    public ulong NextSeed() => NextUInt64();

    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform on [low, high).</summary>
    public double NextDouble(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject). n ≥ 1.</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be at least 1.");
        ulong range = (ulong)n;
        while (true)
        {
            ulong x = NextUInt64();
            UInt128 m = (UInt128)x * range;
            ulong low = (ulong)m;
            if (low >= range || low >= (0UL - range) % range)
                return (int)(m >> 64);
        }
    }

    /// <summary>Standard normal N(0, 1) by the Marsaglia polar method (pairs; the spare is part of the state).</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareGaussian;
        }
        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double f = Math.Sqrt(-2.0 * Math.Log(s) / s);
        _spareGaussian = v * f;
        _hasSpare = true;
        return u * f;
    }

    /// <summary>The full generator state, for checkpoints: <see cref="FromState"/> resumes the exact stream.</summary>
    public RngState GetState() => new(_s0, _s1, _s2, _s3, _spareGaussian, _hasSpare);

    public static Rng FromState(RngState s) => new(s.S0, s.S1, s.S2, s.S3, s.SpareGaussian, s.HasSpare);

    public Rng Clone() => FromState(GetState());

    /// <summary>Continues from the state of <paramref name="other"/> (for restoring a checkpoint into an existing generator).</summary>
    public void Restore(Rng other) =>
        (_s0, _s1, _s2, _s3, _spareGaussian, _hasSpare) = (other._s0, other._s1, other._s2, other._s3, other._spareGaussian, other._hasSpare);

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>Serializable state of an <see cref="Rng"/>.</summary>
public readonly record struct RngState(ulong S0, ulong S1, ulong S2, ulong S3, double SpareGaussian, bool HasSpare);
