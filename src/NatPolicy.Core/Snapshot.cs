namespace NatPolicy.Core;

/// <summary>
/// A flat, JSON-friendly record of mutable state (env physics, step counters, generators, normaliser statistics),
/// written in a fixed order by <see cref="ISnapshotable.Save"/> and read back in the same order by
/// <see cref="ISnapshotable.Load"/>. Used by checkpoints so a resumed run continues bit for bit.
/// </summary>
public sealed class Snapshot
{
    public List<double> Doubles { get; init; } = [];
    public List<ulong> Words { get; init; } = [];

    public void Write(double x) => Doubles.Add(x);
    public void Write(ReadOnlySpan<double> xs) { foreach (var x in xs) Doubles.Add(x); }
    public void Write(ulong x) => Words.Add(x);
    public void Write(long x) => Words.Add(unchecked((ulong)x));
    public void Write(bool x) => Words.Add(x ? 1UL : 0UL);
    public void Write(RngState s)
    {
        Write(s.S0); Write(s.S1); Write(s.S2); Write(s.S3); Write(s.SpareGaussian); Write(s.HasSpare);
    }

    /// <summary>A reader positioned at the start.</summary>
    public SnapshotReader Reader() => new(this);

    /// <summary>Empties the snapshot for reuse; its lists keep their capacity, so writing the same state again allocates nothing.</summary>
    public void Clear()
    {
        Doubles.Clear();
        Words.Clear();
    }
}

/// <summary>Reads a <see cref="Snapshot"/> in the order it was written.</summary>
public sealed class SnapshotReader(Snapshot snapshot)
{
    private int _d, _w;

    public double ReadDouble() => snapshot.Doubles[_d++];
    public void ReadDoubles(Span<double> into) { for (int i = 0; i < into.Length; i++) into[i] = snapshot.Doubles[_d++]; }
    public ulong ReadWord() => snapshot.Words[_w++];
    public long ReadLong() => unchecked((long)snapshot.Words[_w++]);
    public bool ReadBool() => snapshot.Words[_w++] != 0;
    /// <summary>True when every value written has been read (a state of the expected shape).</summary>
    public bool AtEnd => _d == snapshot.Doubles.Count && _w == snapshot.Words.Count;

    public RngState ReadRng() => new(ReadWord(), ReadWord(), ReadWord(), ReadWord(), ReadDouble(), ReadBool());
}

/// <summary>Something whose complete mutable state can be saved and restored exactly.</summary>
public interface ISnapshotable
{
    void Save(Snapshot into);
    void Load(SnapshotReader from);

    /// <summary>False for a wrapper or vector env holding a part that is not <see cref="ISnapshotable"/> (e.g. a
    /// user's env without snapshots): then <see cref="Save"/> and <see cref="Load"/> throw.</summary>
    bool CanSnapshot => true;

    /// <summary>True when <paramref name="o"/> is snapshotable all the way down.</summary>
    static bool Supported(object? o) => o is ISnapshotable { CanSnapshot: true };
}
