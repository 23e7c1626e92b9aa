using NatPolicy.Core;

namespace NatPolicy.Examples;

/// <summary>
/// A point in the plane steered toward the origin: x ← clip(x + 0.1·clip(a, −1, 1), −2, 2) per axis, reward −|x|²,
/// terminated once |x| &lt; 0.1. Starts uniform in [−1, 1]². Only spaces, Reset and Step: no snapshots, no state access.
/// </summary>
public sealed class PointMassEnv : IEnv
{
    private readonly double[] _x = new double[2];
    private Rng _rng = new(0);
    private bool _running;

    public Space ActionSpace { get; } = BoxSpace.Uniform(-1, 1, 2);

    public BoxSpace ObservationSpace { get; } = BoxSpace.Uniform(-2, 2, 2);

    public ReadOnlyMemory<double> Reset(ulong? seed = null, ResetOptions? options = null)
    {
        if (seed is { } s) _rng = new Rng(s);
        _x[0] = _rng.NextDouble(-1, 1);
        _x[1] = _rng.NextDouble(-1, 1);
        _running = true;
        return _x;
    }

    public StepResult Step(ReadOnlySpan<double> action)
    {
        if (!_running) throw new InvalidOperationException("PointMass: call Reset before Step (and after an episode ends)");
        if (action.Length != 2 || !double.IsFinite(action[0]) || !double.IsFinite(action[1]))
            throw new ArgumentException("PointMass: the action is two finite numbers");
        for (int i = 0; i < 2; i++) _x[i] = Math.Clamp(_x[i] + 0.1 * Math.Clamp(action[i], -1, 1), -2, 2);
        double distance2 = _x[0] * _x[0] + _x[1] * _x[1];
        _running = distance2 >= 0.01;
        return new StepResult(_x, -distance2, Terminated: !_running, Truncated: false);
    }
}
