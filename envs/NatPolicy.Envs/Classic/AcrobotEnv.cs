using NatPolicy.Core;

namespace NatPolicy.Envs.Classic;

/// <summary>
/// <c>Acrobot-v1</c>, ported from Gymnasium 1.4.0 (Sutton, 1996; RLPy's implementation, "book" dynamics).
/// <para><b>Description.</b> Two links hang in a chain from a fixed pivot; the joint between them is actuated.
/// Swing the free end above the target height (one link length above the pivot).</para>
/// <para><b>Action space.</b> Discrete(3): torque −1, 0, +1 (N m) on the actuated joint.</para>
/// <para><b>Observation space.</b> Box(6), float32 values:</para>
/// <code>
/// | Num | Observation            | Min                 | Max               |
/// |-----|------------------------|---------------------|-------------------|
/// | 0   | cos(θ1)                | -1                  | 1                 |
/// | 1   | sin(θ1)                | -1                  | 1                 |
/// | 2   | cos(θ2)                | -1                  | 1                 |
/// | 3   | sin(θ2)                | -1                  | 1                 |
/// | 4   | θ̇1 (rad/s)             | ~ -12.567 (-4π)     | ~ 12.567 (4π)     |
/// | 5   | θ̇2 (rad/s)             | ~ -28.274 (-9π)     | ~ 28.274 (9π)     |
/// </code>
/// θ1 = 0 is the first link pointing down; θ2 is relative to the first link. The state is (θ1, θ2, θ̇1, θ̇2).
/// <para><b>Transition.</b> One RK4 step over [0, <see cref="Dt"/>]; angles wrapped into [−π, π] by repeated ±2π,
/// velocities clipped to ±4π and ±9π.</para>
/// <para><b>Reward.</b> −1 per step, 0 on the terminating step.</para>
/// <para><b>Start state.</b> All four state variables uniform in [−0.1, 0.1] (ResetOptions Low/High override), stored
/// as float32 (as Gymnasium); the state is float64 from the first step on.</para>
/// <para><b>Episode end.</b> Termination when −cos(θ1) − cos(θ1 + θ2) &gt; 1; truncation at 500 steps (registry).</para>
/// </summary>
public sealed class AcrobotEnv : ClassicControlEnv
{
    public const string EnvId = "Acrobot-v1";

    /// <summary>s.</summary>
    public const double Dt = 0.2;
    /// <summary>m.</summary>
    public const double LinkLength1 = 1.0;
    /// <summary>m.</summary>
    public const double LinkLength2 = 1.0;
    /// <summary>kg.</summary>
    public const double LinkMass1 = 1.0;
    /// <summary>kg.</summary>
    public const double LinkMass2 = 1.0;
    /// <summary>Position of the centre of mass of link 1 (m).</summary>
    public const double LinkComPos1 = 0.5;
    /// <summary>Position of the centre of mass of link 2 (m).</summary>
    public const double LinkComPos2 = 0.5;
    /// <summary>Moment of inertia of both links.</summary>
    public const double LinkMoi = 1.0;
    /// <summary>m/s².</summary>
    public const double Gravity = 9.8;
    public const double MaxVel1 = 4 * Math.PI;
    public const double MaxVel2 = 9 * Math.PI;
    /// <summary>Height of the free end above the pivot (in link lengths) that ends the episode.</summary>
    public const double TargetHeight = 1.0;
    public const double DefaultResetLow = -0.1;
    public const double DefaultResetHigh = 0.1;

    private const double StepReward = -1.0;
    private const double TerminalReward = 0.0;

    /// <summary>Torque of each action (N m).</summary>
    public static ReadOnlySpan<double> AvailableTorque => [-1.0, 0.0, 1.0];

    public AcrobotEnv()
        : base(EnvId, 4, new DiscreteSpace(3),
               new BoxSpace([-1.0, -1.0, -1.0, -1.0, -(float)MaxVel1, -(float)MaxVel2], [1.0, 1.0, 1.0, 1.0, (float)MaxVel1, (float)MaxVel2]))
    {
    }

    public override StepResult Step(ReadOnlySpan<double> action)
    {
        EnsureCanStep();
        int a = DiscreteAction(action, 3);
        double torque = AvailableTorque[a];
        double[] s = S;
        double y0 = s[0], y1 = s[1], y2 = s[2], y3 = s[3];

        const double dt = Dt; // one step over t = [0, Dt]
        const double dt2 = dt / 2.0;
        Derivatives(y0, y1, y2, y3, torque, out double k10, out double k11, out double k12, out double k13);
        Derivatives(y0 + dt2 * k10, y1 + dt2 * k11, y2 + dt2 * k12, y3 + dt2 * k13, torque,
            out double k20, out double k21, out double k22, out double k23);
        Derivatives(y0 + dt2 * k20, y1 + dt2 * k21, y2 + dt2 * k22, y3 + dt2 * k23, torque,
            out double k30, out double k31, out double k32, out double k33);
        Derivatives(y0 + dt * k30, y1 + dt * k31, y2 + dt * k32, y3 + dt * k33, torque,
            out double k40, out double k41, out double k42, out double k43);
        const double w = dt / 6.0;
        double n0 = y0 + w * (k10 + 2 * k20 + 2 * k30 + k40);
        double n1 = y1 + w * (k11 + 2 * k21 + 2 * k31 + k41);
        double n2 = y2 + w * (k12 + 2 * k22 + 2 * k32 + k42);
        double n3 = y3 + w * (k13 + 2 * k23 + 2 * k33 + k43);

        n0 = Wrap(n0, -Math.PI, Math.PI);
        n1 = Wrap(n1, -Math.PI, Math.PI);
        n2 = Bound(n2, -MaxVel1, MaxVel1);
        n3 = Bound(n3, -MaxVel2, MaxVel2);
        s[0] = n0; s[1] = n1; s[2] = n2; s[3] = n3;

        bool terminated = -Math.Cos(n0) - Math.Cos(n1 + n0) > TargetHeight;
        WriteObservation();
        if (terminated) MarkEnded();
        return new StepResult(ObsMemory, terminated ? TerminalReward : StepReward, terminated, false);
    }

    /// <summary>The "book" equations of motion: d/dt (θ1, θ2, θ̇1, θ̇2) for torque <paramref name="a"/>.</summary>
    private static void Derivatives(double theta1, double theta2, double dtheta1, double dtheta2, double a,
        out double dTheta1, out double dTheta2, out double ddTheta1, out double ddTheta2)
    {
        const double m1 = LinkMass1, m2 = LinkMass2, l1 = LinkLength1, lc1 = LinkComPos1, lc2 = LinkComPos2;
        const double i1 = LinkMoi, i2 = LinkMoi, g = Gravity;
        double cos2 = Math.Cos(theta2);
        double sin2 = Math.Sin(theta2);
        double d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos2) + i1 + i2;
        double d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos2) + i2;
        double phi2 = m2 * lc2 * g * Math.Cos(theta1 + theta2 - Math.PI / 2.0);
        double phi1 = -m2 * l1 * lc2 * Math.Pow(dtheta2, 2.0) * sin2
            - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin2
            + (m1 * lc1 + m2 * l1) * g * Math.Cos(theta1 - Math.PI / 2)
            + phi2;
        double dd2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * Math.Pow(dtheta1, 2.0) * sin2 - phi2)
            / (m2 * (lc2 * lc2) + i2 - Math.Pow(d2, 2.0) / d1);
        double dd1 = -(d2 * dd2 + phi1) / d1;
        dTheta1 = dtheta1;
        dTheta2 = dtheta2;
        ddTheta1 = dd1;
        ddTheta2 = dd2;
    }

    /// <summary>Wraps x into [low, high] by repeatedly adding or subtracting high − low (not fmod).</summary>
    public static double Wrap(double x, double low, double high)
    {
        double diff = high - low;
        while (x > high) x -= diff;
        while (x < low) x += diff;
        return x;
    }

    /// <summary>Python's <c>min(max(x, low), high)</c>.</summary>
    private static double Bound(double x, double low, double high)
    {
        double lo = low > x ? low : x;
        return lo > high ? high : lo;
    }

    protected override void SampleStartState(Rng rng, ResetOptions? options)
    {
        var (low, high) = ResetBounds(options, DefaultResetLow, DefaultResetHigh);
        for (int i = 0; i < 4; i++) S[i] = (float)rng.NextDouble(low, high);
    }

    protected override void WriteObservation()
    {
        double[] s = S;
        Obs[0] = F32(Math.Cos(s[0]));
        Obs[1] = F32(Math.Sin(s[0]));
        Obs[2] = F32(Math.Cos(s[1]));
        Obs[3] = F32(Math.Sin(s[1]));
        Obs[4] = F32(s[2]);
        Obs[5] = F32(s[3]);
    }
}
