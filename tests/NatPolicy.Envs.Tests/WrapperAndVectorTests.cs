using NatPolicy.Core;
using NatPolicy.Envs.Classic;
using NatPolicy.Envs.Vector;
using NatPolicy.Envs.Wrappers;

namespace NatPolicy.Envs.Tests;

[Trait("Category", "Env")]
public sealed class WrapperAndVectorTests
{
    [Fact]
    public void RecordEpisodeStatistics_reports_return_and_length_on_the_last_step_only()
    {
        var env = new RecordEpisodeStatistics(EnvRegistry.Make("Pendulum-v1"));
        env.Reset(4);
        double sum = 0;
        for (int t = 1; t <= 200; t++)
        {
            var r = env.Step([0.3]);
            sum += r.Reward;
            if (t < 200)
            {
                Assert.Null(r.Episode);
            }
            else
            {
                Assert.True(r.Truncated);
                Assert.Equal(new EpisodeStats(sum, 200), r.Episode);
            }
        }
        env.Reset();
        Assert.Equal(0, env.EpisodeLength);
        Assert.Equal(0.0, env.EpisodeReturn);
    }

    [Fact]
    public void ClipAction_clips_to_the_inner_bounds()
    {
        var clipped = new ClipAction(EnvRegistry.MakeStateful("Pendulum-v1"));
        var plain = EnvRegistry.MakeStateful("Pendulum-v1");
        clipped.Reset(8);
        plain.Reset(8);
        Assert.True(clipped.ActionSpace.Contains([1e9]));
        var rc = clipped.Step([-7.5]);
        var rp = plain.Step([-2.0]);
        Assert.Equal(rp.Reward, rc.Reward);
        Assert.Equal(rp.Observation.ToArray(), rc.Observation.ToArray());
        Assert.Throws<ArgumentException>(() => clipped.Step([double.NaN]));
        Assert.Throws<ArgumentException>(() => clipped.Step([1.0, 2.0]));
        Assert.Throws<ArgumentException>(() => new ClipAction(EnvRegistry.MakeStateful("CartPole-v1")));
    }

    [Fact]
    public void NormalizeObservation_tracks_running_statistics_and_can_be_frozen()
    {
        var env = new NormalizeObservation(EnvRegistry.Make("MountainCar-v0"));
        var raw = new List<double[]>();
        var inner = (TimeLimit)env.Inner;
        env.Reset(3);
        raw.Add([(float)((IStatefulEnv)inner.Unwrapped).State[0], 0.0]);
        for (int t = 0; t < 20; t++)
        {
            var r = env.Step(2);
            var st = ((IStatefulEnv)inner.Unwrapped).State;
            raw.Add([(float)st[0], (float)st[1]]);
            // normalised = (x - mean) / sqrt(var + eps) with the statistics after the update
            var m = env.Statistics.Mean;
            var v = env.Statistics.Variance;
            for (int j = 0; j < 2; j++)
                Assert.Equal(Math.Clamp((raw[^1][j] - m[j]) / Math.Sqrt(v[j] + 1e-8), -10, 10), r.Observation.Span[j], 12);
        }
        Assert.Equal(21 + 1e-4, env.Statistics.Count, 9);
        double mean0 = raw.Sum(r => r[0]) / (raw.Count + 1e-4); // SB3's prior: count 1e-4 at mean 0
        Assert.Equal(mean0, env.Statistics.Mean[0], 9);

        env.Frozen = true;
        double count = env.Statistics.Count;
        env.Step(0);
        env.Reset();
        Assert.Equal(count, env.Statistics.Count);
    }

    [Fact]
    public void Vector_env_autoresets_on_the_same_step_with_final_observation_and_stats()
    {
        const int limit = 7;
        var copies = new IEnv[] { new TimeLimit(new CartPoleEnv(), limit), new TimeLimit(new CartPoleEnv(), limit) };
        var venv = new SyncVectorEnv(copies);
        var twin = new TimeLimit(new CartPoleEnv(), limit); // mirrors copy 1
        venv.Reset(10);
        Assert.Equal(twin.Reset(11).ToArray(), venv.Observations.Slice(4, 4).ToArray());

        // Copy 0 always pushes right (terminates eventually); copy 1 alternates (gets truncated at the limit).
        int episodesFinished = 0;
        double twinReturn = 0;
        int twinLength = 0;
        for (int t = 0; t < 40; t++)
        {
            double a1 = t % 2;
            venv.Step([1.0, a1]);
            var r = twin.Step([a1]);
            twinReturn += r.Reward;
            twinLength++;
            Assert.Equal(r.Reward, venv.Rewards[1]);
            Assert.Equal(r.Terminated, venv.Terminated[1]);
            Assert.Equal(r.Truncated, venv.Truncated[1]);
            if (r.Done)
            {
                Assert.Equal(r.Observation.ToArray(), venv.FinalObservations.Slice(4, 4).ToArray());
                Assert.Equal(new EpisodeStats(twinReturn, twinLength), venv.FinishedEpisodes[1]);
                Assert.Equal(twin.Reset().ToArray(), venv.Observations.Slice(4, 4).ToArray()); // unseeded: continues the stream
                twinReturn = 0;
                twinLength = 0;
            }
            else
            {
                Assert.Null(venv.FinishedEpisodes[1]);
                Assert.Equal(r.Observation.ToArray(), venv.Observations.Slice(4, 4).ToArray());
            }
            if (venv.FinishedEpisodes[0] is { } stats)
            {
                episodesFinished++;
                Assert.True(venv.Terminated[0] || venv.Truncated[0]);
                Assert.InRange(stats.Length, 1, limit);
                Assert.Equal(stats.Length, stats.Return); // reward 1 per step
            }
        }
        Assert.True(episodesFinished > 0);
    }

    [Fact]
    public void Vector_env_is_deterministic_and_validates_actions()
    {
        double[] Trace(ulong seed)
        {
            var v = VectorEnvs.Make("Acrobot-v1", 3);
            v.Reset(seed);
            var rng = new Rng(1);
            var trace = new List<double>();
            var actions = new double[3];
            for (int t = 0; t < 120; t++)
            {
                for (int i = 0; i < 3; i++) actions[i] = rng.NextInt(3);
                v.Step(actions);
                trace.AddRange(v.Observations.ToArray());
                trace.AddRange(v.Rewards.ToArray());
            }
            return trace.ToArray();
        }
        Assert.Equal(Trace(5), Trace(5));
        Assert.NotEqual(Trace(5), Trace(6));

        var venv = VectorEnvs.Make("CartPole-v1", 2);
        Assert.Throws<InvalidOperationException>(() => venv.Step([0.0, 1.0]));
        venv.Reset(0);
        Assert.Throws<ArgumentException>(() => venv.Step([0.0]));
        var e = Assert.Throws<ArgumentException>(() => venv.Step([0.0, 2.0]));
        Assert.Contains("Discrete(2)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => VectorEnvs.Make("CartPole-v1", 0));
    }

    [Fact]
    public void Snapshot_of_a_wrapped_env_resumes_bit_for_bit()
    {
        IEnv Build() => new NormalizeObservation(new RecordEpisodeStatistics(new ClipAction(EnvRegistry.Make("MountainCarContinuous-v0"))));
        var env = Build();
        env.Reset(21);
        var rng = new Rng(3);
        for (int t = 0; t < 50; t++) env.Step([rng.NextDouble(-2, 2)]);
        var snap = new Snapshot();
        ((ISnapshotable)env).Save(snap);
        var copy = Build();
        ((ISnapshotable)copy).Load(snap.Reader());
        var rngCopy = rng.Clone();
        for (int t = 0; t < 1100; t++) // crosses the 999-step limit: the reset continues the same generator
        {
            double a = rng.NextDouble(-2, 2);
            Assert.Equal(a, rngCopy.NextDouble(-2, 2));
            var r1 = env.Step([a]);
            var r2 = copy.Step([a]);
            Assert.Equal(r1.Observation.ToArray(), r2.Observation.ToArray());
            Assert.Equal(r1.Reward, r2.Reward);
            Assert.Equal(r1.Terminated, r2.Terminated);
            Assert.Equal(r1.Truncated, r2.Truncated);
            Assert.Equal(r1.Episode, r2.Episode);
            if (r1.Done) Assert.Equal(env.Reset().ToArray(), copy.Reset().ToArray());
        }
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Acrobot-v1")]
    [InlineData("MountainCar-v0")]
    [InlineData("MountainCarContinuous-v0")]
    [InlineData("Pendulum-v1")]
    public void Snapshot_of_a_normalized_vector_env_resumes_bit_for_bit(string id)
    {
        var venv = new NormalizeObservationVector(VectorEnvs.Make(id, 4));
        venv.Reset(77);
        var space = venv.SingleActionSpace;
        int width = 4 * space.Dimension;
        var actions = new double[width];
        var rng = new Rng(9);
        void Act(Rng r) { for (int i = 0; i < 4; i++) space.Sample(r, actions.AsSpan(i * space.Dimension, space.Dimension)); }
        for (int t = 0; t < 230; t++) { Act(rng); venv.Step(actions); }

        var snap = new Snapshot();
        venv.Save(snap);
        var copy = new NormalizeObservationVector(VectorEnvs.Make(id, 4));
        copy.Load(snap.Reader());
        Assert.Equal(venv.Observations.ToArray(), copy.Observations.ToArray());
        Assert.Equal(venv.Statistics.Mean.ToArray(), copy.Statistics.Mean.ToArray());
        int finished = 0;
        for (int t = 0; t < 1000; t++)
        {
            Act(rng);
            venv.Step(actions);
            copy.Step(actions);
            Assert.Equal(venv.Observations.ToArray(), copy.Observations.ToArray());
            Assert.Equal(venv.FinalObservations.ToArray(), copy.FinalObservations.ToArray());
            Assert.Equal(venv.Rewards.ToArray(), copy.Rewards.ToArray());
            Assert.Equal(venv.Terminated.ToArray(), copy.Terminated.ToArray());
            Assert.Equal(venv.Truncated.ToArray(), copy.Truncated.ToArray());
            Assert.Equal(venv.FinishedEpisodes.ToArray(), copy.FinishedEpisodes.ToArray());
            foreach (var f in venv.FinishedEpisodes) if (f is not null) finished++;
        }
        Assert.True(finished > 0, "the continuation should cross at least one auto-reset");
        Assert.Equal(venv.Statistics.Count, copy.Statistics.Count);
    }

    [Fact]
    public void NormalizeObservationVector_normalizes_observations_and_final_observations_with_shared_statistics()
    {
        var inner = VectorEnvs.Make("CartPole-v1", 3);
        var venv = new NormalizeObservationVector(inner);
        venv.Reset(0);
        Assert.Equal(3 + 1e-4, venv.Statistics.Count, 9);
        var expected = new double[4];
        bool sawFinal = false;
        for (int t = 0; t < 100; t++)
        {
            venv.Step([1.0, 1.0, 0.0]);
            for (int i = 0; i < 3; i++)
            {
                venv.Statistics.Normalize(inner.Observations.Slice(i * 4, 4), expected);
                Assert.Equal(expected, venv.Observations.Slice(i * 4, 4).ToArray());
                if (venv.FinishedEpisodes[i] is not null)
                {
                    sawFinal = true;
                    venv.Statistics.Normalize(inner.FinalObservations.Slice(i * 4, 4), expected);
                    Assert.Equal(expected, venv.FinalObservations.Slice(i * 4, 4).ToArray());
                }
            }
        }
        Assert.True(sawFinal);
        venv.Frozen = true;
        double c = venv.Statistics.Count;
        venv.Step([0.0, 0.0, 0.0]);
        Assert.Equal(c, venv.Statistics.Count);
    }

    [Fact]
    public void Single_env_step_allocates_nothing()
    {
        foreach (var id in EnvRegistry.BuiltInIds)
        {
            var env = new RecordEpisodeStatistics(EnvRegistry.Make(id));
            var actions = new double[4096];
            var rng = new Rng(2);
            int dim = env.ActionSpace.Dimension;
            for (int i = 0; i + dim <= actions.Length; i += dim) env.ActionSpace.Sample(rng, actions.AsSpan(i, dim));
            env.Reset(0);
            RunSingle(env, actions, dim, 2000); // warm up (JIT, tiering)
            long before = GC.GetAllocatedBytesForCurrentThread();
            RunSingle(env, actions, dim, 50_000);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{id}: {allocated} bytes allocated over 50000 steps");
        }
    }

    [Fact]
    public void Vector_env_step_allocates_nothing()
    {
        foreach (var id in EnvRegistry.BuiltInIds)
        {
            var venv = new NormalizeObservationVector(VectorEnvs.Make(id, 16));
            var space = venv.SingleActionSpace;
            int width = 16 * space.Dimension;
            var actions = new double[width * 64];
            var rng = new Rng(2);
            for (int i = 0; i + space.Dimension <= actions.Length; i += space.Dimension) space.Sample(rng, actions.AsSpan(i, space.Dimension));
            venv.Reset(0);
            RunVector(venv, actions, width, 300);
            long before = GC.GetAllocatedBytesForCurrentThread();
            RunVector(venv, actions, width, 3000);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{id}: {allocated} bytes allocated over 3000 vector steps");
        }
    }

    private static void RunSingle(IEnv env, double[] actions, int dim, int steps)
    {
        int n = actions.Length / dim;
        for (int t = 0; t < steps; t++)
        {
            var r = env.Step(actions.AsSpan(t % n * dim, dim));
            if (r.Done) env.Reset();
        }
    }

    private static void RunVector(IVectorEnv venv, double[] actions, int width, int steps)
    {
        int n = actions.Length / width;
        for (int t = 0; t < steps; t++) venv.Step(actions.AsSpan(t % n * width, width));
    }
}
