using NatPolicy.Core;
using NatPolicy.Envs;

namespace NatPolicy.Tests.Shared;

/// <summary>
/// A user's environment as the registration API expects it: only spaces, Reset and Step (no Spec, no snapshots, no
/// state access). A point on a line, x' = x + 0.1·clip(a, −1, 1); reward −x²; terminated when |x| &lt; 0.05.
/// </summary>
internal sealed class PointMassEnv : IEnv
{
    private readonly double[] _obs = new double[1];
    private Rng _rng = new(0);
    private bool _running;

    public Space ActionSpace { get; } = BoxSpace.Uniform(-1, 1, 1);

    public BoxSpace ObservationSpace { get; } = BoxSpace.Uniform(-10, 10, 1);

    public ReadOnlyMemory<double> Reset(ulong? seed = null, ResetOptions? options = null)
    {
        if (seed is { } s) _rng = new Rng(s);
        _obs[0] = _rng.NextDouble(-2, 2);
        _running = true;
        return _obs;
    }

    public StepResult Step(ReadOnlySpan<double> action)
    {
        if (!_running) throw new InvalidOperationException("PointMass: call Reset first");
        if (action.Length != 1 || !double.IsFinite(action[0])) throw new ArgumentException("PointMass: one finite action");
        _obs[0] = Math.Clamp(_obs[0] + 0.1 * Math.Clamp(action[0], -1, 1), -10, 10);
        bool done = Math.Abs(_obs[0]) < 0.05;
        _running = !done;
        return new StepResult(_obs, -_obs[0] * _obs[0], done, false);
    }
}

/// <summary>A deliberately broken env: its observations leave the observation space and its reward turns NaN.</summary>
internal sealed class BrokenEnv : IEnv
{
    private readonly double[] _obs = new double[2];
    private int _t;

    public Space ActionSpace { get; } = new DiscreteSpace(2);

    public BoxSpace ObservationSpace { get; } = BoxSpace.Uniform(-1, 1, 2);

    public ReadOnlyMemory<double> Reset(ulong? seed = null, ResetOptions? options = null)
    {
        _t = 0;
        _obs[0] = _obs[1] = 0;
        return _obs;
    }

    public StepResult Step(ReadOnlySpan<double> action)
    {
        _t++;
        _obs[0] = _t; // leaves [-1, 1] on the second step
        return new StepResult(_obs, _t > 3 ? double.NaN : 1, false, false);
    }
}

/// <summary>Registers the test envs once per test process (the registry refuses duplicate ids).</summary>
internal static class TestEnvs
{
    public const string PointMass = "Test-PointMass-v0";
    public const string Broken = "Test-Broken-v0";

    private static readonly Lazy<bool> Registered = new(() =>
    {
        EnvRegistry.Register(new EnvSpec(PointMass, 50, -1.0), () => new PointMassEnv());
        EnvRegistry.Register(new EnvSpec(Broken, 20, null), () => new BrokenEnv());
        return true;
    });

    public static void EnsureRegistered() => _ = Registered.Value;
}
