using NatPolicy.Core;

namespace NatPolicy.Envs.Classic;

/// <summary>
/// <c>MountainCarContinuous-v0</c>, ported from Gymnasium 1.4.0 (Moore, 1990; continuous version by O. Sigaud).
/// <para><b>Description.</b> The mountain car with a continuous force: reach the flag at x = 0.45 on the right hill,
/// paying for the force used.</para>
/// <para><b>Action space.</b> Box(-1, 1, (1,)) float32: the force, clipped to [-1, 1] and multiplied by
/// <see cref="Power"/>. Finite values outside the bounds are accepted and clipped for the dynamics (as Gymnasium);
/// NaN, infinities and wrong lengths throw.</para>
/// <para><b>Observation space.</b> Box(2), float32 values (the observation is the float32 state itself):</para>
/// <code>
/// | Num | Observation             | Min   | Max  |
/// |-----|-------------------------|-------|------|
/// | 0   | Car position (m)        | -1.2  | 0.6  |
/// | 1   | Car velocity (m/step)   | -0.07 | 0.07 |
/// </code>
/// <para><b>Transition.</b> v ← clip(v + clip(a, ±1)·<see cref="Power"/> − 0.0025·cos(3x), ±0.07); x ← clip(x + v,
/// [-1.2, 0.6]); v ← 0 at the left wall moving left. The state is stored as float32 after every step; the next step
/// computes in float64 from those values (NumPy 1.x promotion).</para>
/// <para><b>Reward.</b> −0.1·a² with the raw (unclipped) action, plus 100 on reaching the goal. Termination and
/// reward use the unrounded float64 values of the step.</para>
/// <para><b>Start state.</b> Position uniform in [-0.6, -0.4] (ResetOptions Low/High override), velocity 0 (float64).</para>
/// <para><b>Episode end.</b> Termination when x ≥ 0.45 and v ≥ 0; truncation at 999 steps (registry).</para>
/// </summary>
public sealed class MountainCarContinuousEnv : ClassicControlEnv
{
    public const string EnvId = "MountainCarContinuous-v0";

    public const double MinAction = -1.0;
    public const double MaxAction = 1.0;
    public const double MinPosition = -1.2;
    public const double MaxPosition = 0.6;
    public const double MaxSpeed = 0.07;
    public const double GoalPosition = 0.45;
    public const double GoalVelocity = 0.0;
    public const double Power = 0.0015;
    public const double Gravity = 0.0025;
    public const double HillFrequency = 3;
    public const double GoalReward = 100.0;
    public const double ActionCost = 0.1;
    public const double DefaultResetLow = -0.6;
    public const double DefaultResetHigh = -0.4;

    public MountainCarContinuousEnv()
        : base(EnvId, 2, BoxSpace.Uniform(MinAction, MaxAction, 1),
               new BoxSpace([(float)MinPosition, (float)-MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]))
    {
    }

    public override StepResult Step(ReadOnlySpan<double> action)
    {
        EnsureCanStep();
        double u = BoxAction(action);
        double position = S[0], velocity = S[1];
        double force = Math.Min(Math.Max(u, MinAction), MaxAction);
        velocity += force * Power - Gravity * Math.Cos(HillFrequency * position);
        if (velocity > MaxSpeed) velocity = MaxSpeed;
        if (velocity < -MaxSpeed) velocity = -MaxSpeed;
        position += velocity;
        if (position > MaxPosition) position = MaxPosition;
        if (position < MinPosition) position = MinPosition;
        if (position == MinPosition && velocity < 0) velocity = 0;

        bool terminated = position >= GoalPosition && velocity >= GoalVelocity;
        double reward = terminated ? GoalReward : 0.0;
        reward -= Math.Pow(u, 2.0) * ActionCost;

        float p32 = (float)position, v32 = (float)velocity;
        S[0] = p32; S[1] = v32;
        Obs[0] = p32; Obs[1] = v32;
        if (terminated) MarkEnded();
        return new StepResult(ObsMemory, reward, terminated, false);
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
