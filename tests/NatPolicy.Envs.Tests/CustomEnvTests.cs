using NatPolicy.Core;
using NatPolicy.Envs.Vector;

namespace NatPolicy.Envs.Tests;

/// <summary>Open registration of users' envs and <see cref="EnvChecker"/> on built-in, user and broken envs.</summary>
[Trait("Category", "Env")]
public sealed class CustomEnvTests
{
    public CustomEnvTests() => TestEnvs.EnsureRegistered();

    public static TheoryData<string> BuiltInIds => new(EnvRegistry.BuiltInIds);

    [Fact]
    public void A_registered_env_is_made_like_a_built_in_one()
    {
        Assert.Contains(TestEnvs.PointMass, EnvRegistry.Ids);
        Assert.True(EnvRegistry.IsRegistered(TestEnvs.PointMass));
        Assert.Equal(new EnvSpec(TestEnvs.PointMass, 50, -1.0), EnvRegistry.Spec(TestEnvs.PointMass));
        var env = Assert.IsType<Wrappers.TimeLimit>(EnvRegistry.Make(TestEnvs.PointMass));
        Assert.Equal(50, env.MaxEpisodeSteps);
        Assert.Equal(TestEnvs.PointMass, env.Spec!.Id); // the registry entry, though the env itself has no Spec
        Assert.Null(EnvRegistry.MakeUnwrapped(TestEnvs.PointMass).Spec);
        var vec = VectorEnvs.Make(TestEnvs.PointMass, 3);
        vec.Reset(5);
        vec.Step([0.5, -0.5, 1.0]);
        Assert.Equal(TestEnvs.PointMass, vec.Spec!.Id);
        Assert.False(ISnapshotable.Supported(vec)); // PointMass has no snapshots
        Assert.True(ISnapshotable.Supported(VectorEnvs.Make("CartPole-v1", 2)));
    }

    [Fact]
    public void Registration_refuses_duplicates_and_bad_specs_with_one_line()
    {
        foreach (var (spec, mention) in new[]
        {
            (new EnvSpec("CartPole-v1", 500, 475.0), "already registered"),
            (new EnvSpec(TestEnvs.PointMass, 10, null), "already registered"),
            (new EnvSpec("bad id/with slash", 10, null), "not allowed"),
            (new EnvSpec("", 10, null), "not allowed"),
            (new EnvSpec("NoLimit-v0", null, null), "max_episode_steps"),
            (new EnvSpec("ZeroLimit-v0", 0, null), "max_episode_steps"),
            (new EnvSpec("NaNThreshold-v0", 10, double.NaN), "reward_threshold"),
        })
        {
            var e = Assert.Throws<ArgumentException>(() => EnvRegistry.Register(spec, () => new PointMassEnv()));
            Assert.Contains(mention, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        Assert.False(EnvRegistry.IsRegistered("NoLimit-v0"));
        var stateful = Assert.Throws<ArgumentException>(() => EnvRegistry.MakeStateful(TestEnvs.PointMass));
        Assert.Contains("IStatefulEnv", stateful.Message);
    }

    [Fact]
    public void Concurrent_registrations_all_land_once()
    {
        string prefix = $"Concurrent-{Guid.NewGuid():N}-";
        var ids = Enumerable.Range(0, 64).Select(i => prefix + i).ToArray();
        int refused = 0;
        Parallel.For(0, ids.Length * 2, k =>
        {
            try
            {
                EnvRegistry.Register(new EnvSpec(ids[k % ids.Length], 10, null), () => new PointMassEnv());
            }
            catch (ArgumentException)
            {
                Interlocked.Increment(ref refused);
            }
        });
        Assert.Equal(ids.Length, refused);
        Assert.Equal(ids.Order(StringComparer.Ordinal), EnvRegistry.Ids.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BuiltInIds))]
    public void Every_built_in_env_passes_every_check(string id)
    {
        var findings = EnvChecker.Check(id, seed: 0, episodes: 2);
        Assert.All(findings, f => Assert.True(f.Outcome == CheckOutcome.Pass, $"{f.Check}: {f.Outcome} {f.Detail}"));
        Assert.Equal(11, findings.Count);
    }

    [Fact]
    public void A_minimal_user_env_passes_with_the_optional_capabilities_skipped()
    {
        var findings = EnvChecker.Check(TestEnvs.PointMass);
        Assert.True(EnvChecker.Passed(findings), string.Join("; ", findings.Select(f => $"{f.Check} {f.Outcome} {f.Detail}")));
        Assert.Equal(CheckOutcome.Skip, findings.Single(f => f.Check == "snapshot").Outcome);
        Assert.Equal(CheckOutcome.Skip, findings.Single(f => f.Check == "state").Outcome);
        Assert.Equal(CheckOutcome.Pass, findings.Single(f => f.Check == "step contract").Outcome);
    }

    [Fact]
    public void A_broken_env_fails_with_findings_that_name_the_problem()
    {
        var findings = EnvChecker.Check(TestEnvs.Broken);
        Assert.False(EnvChecker.Passed(findings));
        var contract = findings.Single(f => f.Check == "step contract");
        Assert.Equal(CheckOutcome.Fail, contract.Outcome);
        Assert.Contains("outside", contract.Detail);
        // It ignores the seed and accepts Step before Reset: warnings, not failures.
        Assert.Equal(CheckOutcome.Warn, findings.Single(f => f.Check == "reset seeds").Outcome);
        Assert.Equal(CheckOutcome.Warn, findings.Single(f => f.Check == "step before reset").Outcome);
        Assert.Equal(CheckOutcome.Warn, findings.Single(f => f.Check == "invalid action").Outcome);
    }
}
