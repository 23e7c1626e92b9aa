using NatPolicy.Core;

namespace NatPolicy.Envs.Classic;

/// <summary>
/// <c>MountainCar-v0</c>, ported from Gymnasium 1.4.0 (Moore, 1990).
/// <para><b>Description.</b> A car sits at the bottom of a sinusoidal valley; it must build momentum by accelerating
/// left and right to reach the flag on top of the right hill. Deterministic dynamics; stochastic start.</para>
/// <para><b>Action space.</b> Discrete(3): 0 accelerate left, 1 don't accelerate, 2 accelerate right.</para>
/// <para><b>Observation space.</b> Box(2), float32 values:</para>
/// <code>
/// | Num | Observation             | Min   | Max  |
/// |-----|-------------------------|-------|------|
/// | 0   | Car position (m)        | -1.2  | 0.6  |
/// | 1   | Car velocity (m/step)   | -0.07 | 0.07 |
/// </code>
/// <para><b>Transition.</b> v ← clip(v + (a − 1)·<see cref="Force"/> − cos(3x)·<see cref="Gravity"/>, ±0.07);
/// x ← clip(x + v, [-1.2, 0.6]); v ← 0 when x hits the left wall moving left. All float64.</para>
/// <para><b>Reward.</b> −1 per step.</para>
/// <para><b>Start state.</b> Position uniform in [-0.6, -0.4] (ResetOptions Low/High override), velocity 0.</para>
/// <para><b>Episode end.</b> Termination when x ≥ 0.5 and v ≥ 0; truncation at 200 steps (registry).</para>
/// </summary>
public sealed class MountainCarEnv : ClassicControlEnv
{
    public const string EnvId = "MountainCar-v0";

    public const double MinPosition = -1.2;
    public const double MaxPosition = 0.6;
    public const double MaxSpeed = 0.07;
    public const double GoalPosition = 0.5;
    public const double GoalVelocity = 0.0;
    public const double Force = 0.001;
    public const double Gravity = 0.0025;
    /// <summary>Frequency of the hill profile: height ∝ sin(3x), slope force ∝ cos(3x).</summary>
    public const double HillFrequency = 3;
    public const double DefaultResetLow = -0.6;
    public const double DefaultResetHigh = -0.4;

    private const double StepReward = -1.0;

    public MountainCarEnv()
        : base(EnvId, 2, new DiscreteSpace(3),
               new BoxSpace([(float)MinPosition, (float)-MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]))
    {
    }

    public override StepResult Step(ReadOnlySpan<double> action)
    {
        EnsureCanStep();
        int a = DiscreteAction(action, 3);
        double position = S[0], velocity = S[1];
        velocity += (a - 1) * Force + Math.Cos(HillFrequency * position) * -Gravity;
        velocity = Math.Clamp(velocity, -MaxSpeed, MaxSpeed);
        position += velocity;
        position = Math.Clamp(position, MinPosition, MaxPosition);
        if (position == MinPosition && velocity < 0) velocity = 0;

        bool terminated = position >= GoalPosition && velocity >= GoalVelocity;
        S[0] = position; S[1] = velocity;
        Obs[0] = (float)position; Obs[1] = (float)velocity;
        if (terminated) MarkEnded();
        return new StepResult(ObsMemory, StepReward, terminated, false);
    }

    protected override void SampleStartState(Rng rng, ResetOptions? options)
    {
        var (low, high) = ResetBounds(options, DefaultResetLow, DefaultResetHigh);
        S[0] = rng.NextDouble(low, high);
        S[1] = 0;
    }

    protected override void WriteObservation()
    {
        Obs[0] = F32(S[0]);
        Obs[1] = F32(S[1]);
    }
}
