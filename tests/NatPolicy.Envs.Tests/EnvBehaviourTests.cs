using NatPolicy.Core;
using NatPolicy.Envs.Classic;

namespace NatPolicy.Envs.Tests;

[Trait("Category", "Env")]
public sealed class EnvBehaviourTests
{
    public static TheoryData<string> EnvIds => new(EnvRegistry.BuiltInIds);

    public static TheoryData<string> DiscreteIds => new(EnvRegistry.BuiltInIds.Where(id => EnvRegistry.MakeStateful(id).ActionSpace is DiscreteSpace));

    public static TheoryData<string> BoxIds => new(EnvRegistry.BuiltInIds.Where(id => EnvRegistry.MakeStateful(id).ActionSpace is BoxSpace));

    private static double[] SomeAction(IEnv env) =>
        env.ActionSpace is DiscreteSpace ? [1.0] : [0.5];

    [Fact]
    public void Registry_specs_are_gymnasiums()
    {
        Assert.Equal(["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"], EnvRegistry.BuiltInIds);
        Assert.Equal(new EnvSpec("CartPole-v1", 500, 475.0), EnvRegistry.Spec("CartPole-v1"));
        Assert.Equal(new EnvSpec("Acrobot-v1", 500, -100.0), EnvRegistry.Spec("Acrobot-v1"));
        Assert.Equal(new EnvSpec("MountainCar-v0", 200, -110.0), EnvRegistry.Spec("MountainCar-v0"));
        Assert.Equal(new EnvSpec("MountainCarContinuous-v0", 999, 90.0), EnvRegistry.Spec("MountainCarContinuous-v0"));
        Assert.Equal(new EnvSpec("Pendulum-v1", 200, null), EnvRegistry.Spec("Pendulum-v1"));
    }

    [Theory]
    [MemberData(nameof(EnvIds))]
    public void Make_wraps_in_a_time_limit_and_unwrapped_has_the_spec(string id)
    {
        var env = EnvRegistry.Make(id);
        var limit = Assert.IsType<Wrappers.TimeLimit>(env);
        Assert.Equal(EnvRegistry.Spec(id).MaxEpisodeSteps, limit.MaxEpisodeSteps);
        Assert.Equal(id, env.Spec!.Id);
        var bare = EnvRegistry.MakeStateful(id);
        Assert.Equal(id, bare.Spec!.Id);
        Assert.Equal(env.ObservationSpace, bare.ObservationSpace);
    }

    [Fact]
    public void Unknown_id_lists_the_valid_ids_on_one_line()
    {
        foreach (Action make in new Action[] { () => EnvRegistry.Make("CartPole-v0"), () => EnvRegistry.MakeStateful("x"), () => EnvRegistry.Spec("") })
        {
            var e = Assert.Throws<ArgumentException>(make);
            foreach (var id in EnvRegistry.Ids) Assert.Contains(id, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Theory]
    [MemberData(nameof(EnvIds))]
    public void Step_before_reset_throws(string id)
    {
        foreach (var env in new IEnv[] { EnvRegistry.Make(id), EnvRegistry.MakeStateful(id) })
        {
            var e = Assert.Throws<InvalidOperationException>(() => env.Step(SomeAction(env)));
            Assert.Contains("Reset", e.Message);
        }
    }

    [Theory]
    [MemberData(nameof(EnvIds))]
    public void Step_after_truncation_throws(string id)
    {
        var env = new Wrappers.TimeLimit(EnvRegistry.MakeStateful(id), 3);
        env.Reset(7);
        var a = SomeAction(env);
        Assert.False(env.Step(a).Truncated);
        Assert.False(env.Step(a).Truncated);
        Assert.True(env.Step(a).Truncated);
        Assert.Throws<InvalidOperationException>(() => env.Step(a));
        env.Reset();
        Assert.False(env.Step(a).Done);
    }

    [Fact]
    public void Step_after_termination_throws_except_cartpole()
    {
        // MountainCar: start at the goal edge with speed, one step terminates.
        var mc = EnvRegistry.MakeStateful("MountainCar-v0");
        mc.SetState([0.49, 0.05]);
        Assert.True(mc.Step(2).Terminated);
        Assert.Throws<InvalidOperationException>(() => mc.Step(2));

        var mcc = EnvRegistry.MakeStateful("MountainCarContinuous-v0");
        mcc.SetState([0.44, 0.05]);
        var r = mcc.Step([1.0]);
        Assert.True(r.Terminated);
        Assert.Equal(100.0 - 0.1, r.Reward, 12);
        Assert.Throws<InvalidOperationException>(() => mcc.Step([1.0]));

        // Acrobot: both links pointing up.
        var acro = EnvRegistry.MakeStateful("Acrobot-v1");
        acro.SetState([Math.PI - 0.01, 0.0, 0.0, 0.0]);
        var ra = acro.Step(1);
        Assert.True(ra.Terminated);
        Assert.Equal(0.0, ra.Reward);
        Assert.Throws<InvalidOperationException>(() => acro.Step(1));

        // Through the registry wrapper as well.
        var wrapped = EnvRegistry.Make("MountainCar-v0");
        wrapped.Reset(0);
        ((IStatefulEnv)((Wrappers.TimeLimit)wrapped).Unwrapped).SetState([0.49, 0.05]);
        Assert.True(wrapped.Step(2).Terminated);
        Assert.Throws<InvalidOperationException>(() => wrapped.Step(2));
    }

    [Fact]
    public void CartPole_after_termination_returns_reward_zero_and_keeps_integrating()
    {
        var env = new CartPoleEnv();
        env.SetState([0.0, 0.0, 0.2, 1.0]);
        var r = env.Step(1);
        Assert.True(r.Terminated);
        Assert.Equal(1.0, r.Reward);
        Assert.Equal(0L, env.StepsBeyondTerminated);
        double before = env.State[2];
        var r2 = env.Step(1);
        Assert.True(r2.Terminated);
        Assert.Equal(0.0, r2.Reward);
        Assert.NotEqual(before, env.State[2]);
        Assert.Equal(1L, env.StepsBeyondTerminated);

        // But the registry env (TimeLimit) refuses a step after the episode ended.
        var made = EnvRegistry.Make("CartPole-v1");
        made.Reset(0);
        StepResult last;
        do last = made.Step(1); while (!last.Done);
        Assert.Throws<InvalidOperationException>(() => made.Step(1));
    }

    [Theory]
    [MemberData(nameof(DiscreteIds))]
    public void Bad_discrete_actions_throw_naming_value_and_range(string id)
    {
        var env = EnvRegistry.Make(id);
        env.Reset(1);
        int n = ((DiscreteSpace)env.ActionSpace).N;
        foreach (double[] bad in new[] { [n], [-1.0], [0.5], [double.NaN], [double.PositiveInfinity], Array.Empty<double>(), [0.0, 1.0] })
        {
            var e = Assert.Throws<ArgumentException>(() => env.Step(bad));
            Assert.Contains($"Discrete({n})", e.Message);
            if (bad.Length == 1) Assert.Contains(Fmt.D(bad[0]), e.Message);
            else Assert.Contains($"length {bad.Length}", e.Message);
            Assert.Contains($"{n - 1}", e.Message);
        }
        env.Step([0.0]); // still usable after rejected actions (must not throw)
    }

    [Theory]
    [MemberData(nameof(BoxIds))]
    public void Bad_box_actions_throw_but_finite_out_of_bounds_values_are_clipped(string id)
    {
        var env = EnvRegistry.MakeStateful(id);
        env.Reset(3);
        var box = (BoxSpace)env.ActionSpace;
        foreach (double[] bad in new[] { [double.NaN], [double.NegativeInfinity], Array.Empty<double>(), [0.0, 0.0] })
        {
            var e = Assert.Throws<ArgumentException>(() => env.Step(bad));
            Assert.Contains(box.ToString(), e.Message);
            if (bad.Length == 1) Assert.Contains(Fmt.D(bad[0]), e.Message);
            else Assert.Contains($"length {bad.Length}", e.Message);
        }

        // An out-of-bounds force has the dynamics of the bound.
        var a = EnvRegistry.MakeStateful(id);
        var b = EnvRegistry.MakeStateful(id);
        a.Reset(5);
        b.Reset(5);
        var ra = a.Step([box.High[0] * 3]);
        var rb = b.Step([box.High[0]]);
        Assert.Equal(rb.Observation.ToArray(), ra.Observation.ToArray());
        Assert.Equal(b.State.ToArray(), a.State.ToArray());
        if (id == MountainCarContinuousEnv.EnvId)
            Assert.True(ra.Reward < rb.Reward); // the penalty uses the raw action
    }

    [Theory]
    [MemberData(nameof(EnvIds))]
    public void Same_seed_gives_same_reset_and_trajectory_and_no_seed_continues_the_stream(string id)
    {
        double[][] Run(IEnv env, ulong? seed)
        {
            var rows = new List<double[]> { env.Reset(seed).ToArray() };
            var rng = new Rng(99);
            var action = new double[env.ActionSpace.Dimension];
            for (int t = 0; t < 30; t++)
            {
                env.ActionSpace.Sample(rng, action);
                var r = env.Step(action);
                rows.Add([.. r.Observation.ToArray(), r.Reward]);
                if (r.Done) break;
            }
            return rows.ToArray();
        }

        var e1 = EnvRegistry.Make(id);
        var e2 = EnvRegistry.Make(id);
        var t1 = Run(e1, 42);
        var t2 = Run(e2, 42);
        Assert.Equal(t1, t2);
        var next1 = e1.Reset().ToArray();
        var next2 = e2.Reset().ToArray();
        Assert.Equal(next1, next2);
        Assert.NotEqual(t1[0], next1);
        Assert.NotEqual(t1[0], Run(EnvRegistry.Make(id), 43)[0]);
    }

    [Theory]
    [MemberData(nameof(EnvIds))]
    public void Reset_observation_is_the_float32_observation_of_the_start_state_within_gymnasiums_bounds(string id)
    {
        var env = EnvRegistry.MakeStateful(id);
        for (ulong seed = 0; seed < 50; seed++)
        {
            var obs = env.Reset(seed).Span;
            Assert.True(env.ObservationSpace.Contains(obs), env.ObservationSpace.Explain(obs));
            foreach (double x in obs) Assert.Equal(x, (double)(float)x);
            var s = env.State;
            switch (id)
            {
                case "CartPole-v1":
                    foreach (double x in s) Assert.InRange(x, -0.05, 0.05);
                    break;
                case "Acrobot-v1":
                    foreach (double x in s) { Assert.InRange(x, -0.1, 0.1); Assert.Equal(x, (double)(float)x); }
                    break;
                case "MountainCar-v0" or "MountainCarContinuous-v0":
                    Assert.InRange(s[0], -0.6, -0.4);
                    Assert.Equal(0.0, s[1]);
                    break;
                case "Pendulum-v1":
                    Assert.InRange(s[0], -Math.PI, Math.PI);
                    Assert.InRange(s[1], -1.0, 1.0);
                    break;
            }
        }
    }

    [Fact]
    public void Reset_options_override_the_start_range()
    {
        var env = EnvRegistry.MakeStateful("CartPole-v1");
        env.Reset(1, new ResetOptions(0.3, 0.4));
        foreach (double x in env.State) Assert.InRange(x, 0.3, 0.4);
        var mc = EnvRegistry.MakeStateful("MountainCar-v0");
        mc.Reset(1, new ResetOptions(High: -0.59));
        Assert.InRange(mc.State[0], -0.6, -0.59);
        var e = Assert.Throws<ArgumentException>(() => env.Reset(1, new ResetOptions(0.5, 0.1)));
        Assert.Contains("0.5", e.Message);

        var pendulum = new PendulumEnv();
        pendulum.ResetSymmetric(2, 0.1, 0.2);
        Assert.InRange(pendulum.State[0], -0.1, 0.1);
        Assert.InRange(pendulum.State[1], -0.2, 0.2);
        Assert.Throws<ArgumentException>(() => pendulum.Reset(2, new ResetOptions(-1, 1)));
    }

    [Fact]
    public void Pendulum_angle_normalize_uses_floored_modulo()
    {
        Assert.Equal(0.0, PendulumEnv.AngleNormalize(0.0), 15);
        Assert.Equal(-Math.PI + 0.5, PendulumEnv.AngleNormalize(Math.PI + 0.5), 12);
        Assert.Equal(Math.PI - 0.5, PendulumEnv.AngleNormalize(-Math.PI - 0.5), 12);
        Assert.Equal(0.25, PendulumEnv.AngleNormalize(0.25 - 4 * Math.PI), 12);
    }

    [Fact]
    public void Spaces_contain_their_samples_and_sampling_is_seeded()
    {
        foreach (var id in EnvRegistry.BuiltInIds)
        {
            var env = EnvRegistry.MakeStateful(id);
            foreach (var space in new Space[] { env.ActionSpace, env.ObservationSpace })
            {
                var a = new double[space.Dimension];
                var b = new double[space.Dimension];
                var r1 = new Rng(5);
                var r2 = new Rng(5);
                for (int i = 0; i < 100; i++)
                {
                    space.Sample(r1, a);
                    space.Sample(r2, b);
                    Assert.Equal(a, b);
                    Assert.True(space.Contains(a), space.Explain(a));
                }
            }
        }
        var discrete = new DiscreteSpace(3);
        Assert.True(discrete.Contains([2.0]));
        Assert.False(discrete.Contains([3.0]));
        Assert.False(discrete.Contains([1.5]));
        var box = BoxSpace.Uniform(-2, 2, 1);
        Assert.True(box.Contains([2.0]));
        Assert.False(box.Contains([2.5]));
        Assert.False(box.Contains([double.NaN]));
    }

    [Fact]
    public void SetState_rejects_a_wrong_length_and_restarts_the_episode()
    {
        var env = EnvRegistry.MakeStateful("Acrobot-v1");
        Assert.Throws<ArgumentException>(() => env.SetState([0.0, 0.0]));
        var obs = env.SetState([0.0, 0.0, 0.5, -0.5]).ToArray();
        Assert.Equal([1.0, 0.0, 1.0, 0.0, 0.5, -0.5], obs);
        Assert.Equal(-1.0, env.Step(1).Reward);
    }
}
