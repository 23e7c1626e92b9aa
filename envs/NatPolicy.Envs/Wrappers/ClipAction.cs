using NatPolicy.Core;

namespace NatPolicy.Envs.Wrappers;

/// <summary>
/// Gymnasium's <c>ClipAction</c>: clips each component of a Box action into the inner env's bounds before stepping.
/// Its own action space is unbounded (as Gymnasium's); NaN still reaches the inner env, which rejects it.
/// </summary>
public sealed class ClipAction : EnvWrapper
{
    private readonly BoxSpace _innerSpace;
    private readonly double[] _clipped;

    public ClipAction(IEnv inner) : base(inner)
    {
        _innerSpace = inner.ActionSpace as BoxSpace
            ?? throw new ArgumentException($"ClipAction needs a Box action space; {inner} has {inner.ActionSpace}");
        _clipped = new double[_innerSpace.Dimension];
        ActionSpace = BoxSpace.Uniform(double.NegativeInfinity, double.PositiveInfinity, _innerSpace.Dimension);
    }

    public override Space ActionSpace { get; }

    public override ReadOnlyMemory<double> Reset(ulong? seed = null, ResetOptions? options = null) => Inner.Reset(seed, options);

    public override StepResult Step(ReadOnlySpan<double> action)
    {
        if (action.Length != _clipped.Length)
            throw new ArgumentException($"invalid action: {_innerSpace.Explain(action)}");
        var low = _innerSpace.Low;
        var high = _innerSpace.High;
        for (int i = 0; i < _clipped.Length; i++)
        {
            double a = action[i];
            _clipped[i] = a < low[i] ? low[i] : a > high[i] ? high[i] : a;
        }
        return Inner.Step(_clipped);
    }

    protected override void SaveOwn(Snapshot into) { }

    protected override void LoadOwn(SnapshotReader from) { }
}
