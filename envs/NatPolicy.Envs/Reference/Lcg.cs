namespace NatPolicy.Envs.Reference;

/// <summary>
/// The reference files' action generator: a 64-bit linear congruential generator (Knuth's MMIX constants),
/// advanced before each draw. Only needed to regenerate <c>lcg</c> actions; replays use the recorded actions.
/// </summary>
public sealed class Lcg
{
    public const ulong DefaultA = 6364136223846793005UL;
    public const ulong DefaultC = 1442695040888963407UL;
    /// <summary>Seed scrambler: state0 = (seed + 1) · this (mod 2^64).</summary>
    public const ulong SeedMultiplier = 0x9E3779B97F4A7C15UL;
    private const double TwoPowMinus53 = 1.0 / 9007199254740992.0;

    private ulong _state;

    public Lcg(ulong seed, ulong a = DefaultA, ulong c = DefaultC)
    {
        A = a;
        C = c;
        _state = unchecked((seed + 1) * SeedMultiplier);
    }

    public ulong A { get; }
    public ulong C { get; }

    public ulong Next()
    {
        _state = unchecked(A * _state + C);
        return _state;
    }

    /// <summary>A discrete action in [0, n): (next() &gt;&gt; 33) mod n.</summary>
    public int Int(int n) => (int)((Next() >> 33) % (ulong)n);

    /// <summary>Uniform on [0, 1) from the top 53 bits.</summary>
    public double Unit() => (Next() >> 11) * TwoPowMinus53;

    /// <summary>A continuous action: float32(lo + (hi − lo)·u), rounded to nearest.</summary>
    public double Continuous(double lo, double hi) => (float)(lo + (hi - lo) * Unit());
}
