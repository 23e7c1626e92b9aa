using NatPolicy.Core;

namespace NatPolicy.Envs.Classic;

/// <summary>
/// <c>CartPole-v1</c>, ported from Gymnasium 1.4.0 (Barto, Sutton &amp; Anderson, 1983).
/// <para><b>Description.</b> A pole is attached by an un-actuated joint to a cart moving along a frictionless track.
/// The pole starts upright; the goal is to keep it balanced by pushing the cart left or right.</para>
/// <para><b>Action space.</b> Discrete(2): 0 pushes the cart to the left, 1 to the right, with a fixed force of
/// <see cref="ForceMag"/> N.</para>
/// <para><b>Observation space.</b> Box(4), float32 values:</para>
/// <code>
/// | Num | Observation           | Min                  | Max                |
/// |-----|-----------------------|----------------------|--------------------|
/// | 0   | Cart position (m)     | -4.8                 | 4.8                |
/// | 1   | Cart velocity (m/s)   | -Inf                 | Inf                |
/// | 2   | Pole angle (rad)      | ~ -0.418 (-24°)      | ~ 0.418 (24°)      |
/// | 3   | Pole angular velocity | -Inf                 | Inf                |
/// </code>
/// <para><b>Reward.</b> +1 for every step, including the terminating one. A step after termination returns 0
/// (and <c>terminated=true</c>) while the physics keeps integrating, as Gymnasium (which warns); if the state
/// re-enters the bounds, such a step reports not-terminated with reward 1, also as Gymnasium.</para>
/// <para><b>Start state.</b> All four state variables uniform in [-0.05, 0.05] (ResetOptions Low/High override).</para>
/// <para><b>Episode end.</b> Termination when |x| &gt; 2.4 or |θ| &gt; 12° (tested on the float64 state); truncation at
/// 500 steps by the TimeLimit wrapper (registry).</para>
/// <para>Dynamics: explicit Euler from the old values with step <see cref="Tau"/>; all float64.</para>
/// </summary>
public sealed class CartPoleEnv : ClassicControlEnv
{
    public const string EnvId = "CartPole-v1";

    /// <summary>m/s².</summary>
    public const double Gravity = 9.8;
    /// <summary>kg.</summary>
    public const double MassCart = 1.0;
    /// <summary>kg.</summary>
    public const double MassPole = 0.1;
    public const double TotalMass = MassPole + MassCart;
    /// <summary>Half the pole's length (m).</summary>
    public const double Length = 0.5;
    public const double PoleMassLength = MassPole * Length;
    /// <summary>N.</summary>
    public const double ForceMag = 10.0;
    /// <summary>Seconds between state updates.</summary>
    public const double Tau = 0.02;
    /// <summary>12 degrees in radians.</summary>
    public const double ThetaThresholdRadians = 12 * 2 * Math.PI / 360;
    /// <summary>m.</summary>
    public const double XThreshold = 2.4;
    public const double DefaultResetLow = -0.05;
    public const double DefaultResetHigh = 0.05;

    private const double RewardAlive = 1.0;
    private const double RewardAfterTermination = 0.0;

    /// <summary>Gymnasium's <c>steps_beyond_terminated</c>; -1 for None.</summary>
    private long _stepsBeyondTerminated = -1;

    public CartPoleEnv()
        : base(EnvId, 4, new DiscreteSpace(2), ObservationBox())
    {
    }

    private static BoxSpace ObservationBox()
    {
        double[] high = [(float)(XThreshold * 2), double.PositiveInfinity, (float)(ThetaThresholdRadians * 2), double.PositiveInfinity];
        return new BoxSpace(high.Select(h => -h).ToArray(), high);
    }

    /// <summary>Steps taken after the terminating step (0 on the terminating step itself), or null before termination.</summary>
    public long? StepsBeyondTerminated => _stepsBeyondTerminated < 0 ? null : _stepsBeyondTerminated;

    public override StepResult Step(ReadOnlySpan<double> action)
    {
        EnsureCanStep(allowAfterEnd: true);
        int a = DiscreteAction(action, 2);
        double[] s = S;
        double x = s[0], xDot = s[1], theta = s[2], thetaDot = s[3];
        double force = a == 1 ? ForceMag : -ForceMag;
        double cosTheta = Math.Cos(theta);
        double sinTheta = Math.Sin(theta);

        double temp = (force + PoleMassLength * (thetaDot * thetaDot) * sinTheta) / TotalMass;
        double thetaAcc = (Gravity * sinTheta - cosTheta * temp)
            / (Length * (4.0 / 3.0 - MassPole * (cosTheta * cosTheta) / TotalMass));
        double xAcc = temp - PoleMassLength * thetaAcc * cosTheta / TotalMass;

        x += Tau * xDot;
        xDot += Tau * xAcc;
        theta += Tau * thetaDot;
        thetaDot += Tau * thetaAcc;
        s[0] = x; s[1] = xDot; s[2] = theta; s[3] = thetaDot;

        bool terminated = x < -XThreshold || x > XThreshold || theta < -ThetaThresholdRadians || theta > ThetaThresholdRadians;
        double reward;
        if (!terminated)
        {
            reward = RewardAlive;
        }
        else if (_stepsBeyondTerminated < 0)
        {
            _stepsBeyondTerminated = 0;
            reward = RewardAlive;
            MarkEnded();
        }
        else
        {
            _stepsBeyondTerminated++;
            reward = RewardAfterTermination;
        }

        double[] o = Obs;
        o[0] = (float)x; o[1] = (float)xDot; o[2] = (float)theta; o[3] = (float)thetaDot;
        return new StepResult(ObsMemory, reward, terminated, false);
    }

    protected override void SampleStartState(Rng rng, ResetOptions? options)
    {
        var (low, high) = ResetBounds(options, DefaultResetLow, DefaultResetHigh);
        for (int i = 0; i < 4; i++) S[i] = rng.NextDouble(low, high);
    }

    protected override void OnStart() => _stepsBeyondTerminated = -1;

    protected override void WriteObservation()
    {
        for (int i = 0; i < 4; i++) Obs[i] = F32(S[i]);
    }

    protected override void SaveExtra(Snapshot into) => into.Write(_stepsBeyondTerminated);

    protected override void LoadExtra(SnapshotReader from) => _stepsBeyondTerminated = from.ReadLong();
}
