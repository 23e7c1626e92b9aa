using NatPolicy.Core;

namespace NatPolicy.Envs.Classic;

/// <summary>
/// <c>Pendulum-v1</c>, ported from Gymnasium 1.4.0: the inverted-pendulum swing-up.
/// <para><b>Description.</b> A pendulum hangs from a fixed pivot; apply torque at its free end to swing it up and keep
/// it upright (θ = 0 is upright).</para>
/// <para><b>Action space.</b> Box(-2, 2, (1,)) float32: the torque (N m), clipped to [-2, 2] (finite out-of-bounds
/// values are accepted and clipped, as Gymnasium; NaN, infinities and wrong lengths throw).</para>
/// <para><b>Observation space.</b> Box(3), float32 values:</para>
/// <code>
/// | Num | Observation            | Min  | Max |
/// |-----|------------------------|------|-----|
/// | 0   | x = cos(θ)             | -1.0 | 1.0 |
/// | 1   | y = sin(θ)             | -1.0 | 1.0 |
/// | 2   | Angular velocity (1/s) | -8.0 | 8.0 |
/// </code>
/// <para><b>Reward.</b> −(norm(θ)² + 0.1·θ̇² + 0.001·u²) with norm(θ) = ((θ + π) mod 2π) − π (floored modulo), computed
/// from the state <i>before</i> the step; in [−16.27, 0].</para>
/// <para><b>Transition.</b> θ̇ ← clip(θ̇ + (3g/(2l)·sin θ + 3/(m l²)·u)·dt, ±8); θ ← θ + θ̇·dt (never wrapped).</para>
/// <para><b>Start state.</b> θ uniform in [−π, π], θ̇ uniform in [−1, 1]. Gymnasium's options here are
/// <c>x_init</c>/<c>y_init</c> (symmetric half-widths), see <see cref="ResetSymmetric"/>; ResetOptions Low/High are
/// not meaningful for this env and are rejected.</para>
/// <para><b>Episode end.</b> Never terminates; truncation at 200 steps (registry).</para>
/// </summary>
public sealed class PendulumEnv : ClassicControlEnv
{
    public const string EnvId = "Pendulum-v1";

    /// <summary>rad/s.</summary>
    public const double MaxSpeed = 8;
    /// <summary>N m.</summary>
    public const double MaxTorque = 2.0;
    /// <summary>s.</summary>
    public const double Dt = 0.05;
    /// <summary>m/s².</summary>
    public const double DefaultGravity = 10.0;
    /// <summary>kg.</summary>
    public const double Mass = 1.0;
    /// <summary>m.</summary>
    public const double Length = 1.0;
    public const double DefaultXInit = Math.PI;
    public const double DefaultYInit = 1.0;
    public const double VelocityCost = 0.1;
    public const double TorqueCost = 0.001;

    private double _xInit = DefaultXInit, _yInit = DefaultYInit;

    public PendulumEnv(double gravity = DefaultGravity)
        : base(EnvId, 2, BoxSpace.Uniform(-MaxTorque, MaxTorque, 1),
               new BoxSpace([-1.0, -1.0, -MaxSpeed], [1.0, 1.0, MaxSpeed]))
    {
        if (!double.IsFinite(gravity)) throw new ArgumentException($"{EnvId}: gravity must be finite (got {Fmt.D(gravity)})");
        Gravity = gravity;
    }

    /// <summary>g (m/s²); Gymnasium's <c>g</c> argument.</summary>
    public double Gravity { get; }

    /// <summary>Gymnasium's <c>reset(options={"x_init": x, "y_init": y})</c>: θ uniform in [−x, x], θ̇ in [−y, y].</summary>
    public ReadOnlyMemory<double> ResetSymmetric(ulong? seed, double xInit, double yInit)
    {
        if (!double.IsFinite(xInit) || !double.IsFinite(yInit))
            throw new ArgumentException($"{EnvId}: x_init and y_init must be finite (got {Fmt.D(xInit)}, {Fmt.D(yInit)})");
        (_xInit, _yInit) = (xInit, yInit);
        try { return Reset(seed); }
        finally { (_xInit, _yInit) = (DefaultXInit, DefaultYInit); }
    }

    /// <summary>((x + π) mod 2π) − π with NumPy's floored modulo.</summary>
    public static double AngleNormalize(double x)
    {
        const double twoPi = 2 * Math.PI;
        double r = (x + Math.PI) % twoPi;
        if (r != 0) { if (r < 0) r += twoPi; }
        else r = 0.0;
        return r - Math.PI;
    }

    public override StepResult Step(ReadOnlySpan<double> action)
    {
        EnsureCanStep();
        float u = Math.Clamp(BoxAction(action), (float)-MaxTorque, (float)MaxTorque);
        double th = S[0], thDot = S[1];
        double uSquared = Math.Pow(u, 2.0); // float32 torque, squared in float64 (NumPy 1.x promotion)
        double costs = Math.Pow(AngleNormalize(th), 2.0) + VelocityCost * Math.Pow(thDot, 2.0) + TorqueCost * uSquared;

        double newThDot = thDot + (3 * Gravity / (2 * Length) * Math.Sin(th) + 3.0 / (Mass * (Length * Length)) * u) * Dt;
        newThDot = Math.Clamp(newThDot, -MaxSpeed, MaxSpeed);
        double newTh = th + newThDot * Dt;
        S[0] = newTh; S[1] = newThDot;
        WriteObservation();
        return new StepResult(ObsMemory, -costs, false, false);
    }

    protected override void SampleStartState(Rng rng, ResetOptions? options)
    {
        if (options is { Low: not null } or { High: not null })
            throw new ArgumentException($"{EnvId}: ResetOptions Low/High are not supported; use ResetSymmetric(seed, xInit, yInit) (Gymnasium's x_init/y_init)");
        S[0] = rng.NextDouble(-_xInit, _xInit);
        S[1] = rng.NextDouble(-_yInit, _yInit);
    }

    protected override void WriteObservation()
    {
        double th = S[0];
        Obs[0] = F32(Math.Cos(th));
        Obs[1] = F32(Math.Sin(th));
        Obs[2] = F32(S[1]);
    }
}
