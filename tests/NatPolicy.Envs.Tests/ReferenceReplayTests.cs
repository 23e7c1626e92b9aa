using System.Text.Json.Nodes;
using NatPolicy.Envs.Reference;

namespace NatPolicy.Envs.Tests;

[Trait("Category", "Env")]
public sealed class ReferenceReplayTests
{
    public static TheoryData<string> EnvIds => new(EnvRegistry.BuiltInIds);

    [Theory]
    [MemberData(nameof(EnvIds))]
    public void Shared_reference_file_replays_bit_for_bit(string envId)
    {
        var file = ReferenceFile.Load(RepoPaths.ReferenceFile(envId));
        var report = ReferenceReplayer.Replay(file);

        Assert.Equal(envId, report.EnvId);
        Assert.Equal(15, report.Episodes);
        Assert.Equal(file.Episodes.Sum(e => e.Steps.Count), report.Steps);
        Assert.Equal(0.0, report.MaxObsDiff);
        Assert.Equal(0.0, report.MaxStateDiff);
        Assert.Equal(0.0, report.MaxRewardDiff);
        Assert.Equal(0, report.FlagMismatches);
        Assert.True(report.MaxInitialObsUlps <= (envId == "Acrobot-v1" ? 1 : 0));
        Assert.True(report.Exact);
        if (envId == "CartPole-v1")
            Assert.Equal(file.Episodes.Sum(e => e.PostTerminalSteps?.Count ?? 0), report.PostTerminalSteps);
    }

    [Fact]
    public void CartPole_file_has_post_terminal_steps_that_are_replayed()
    {
        var report = ReferenceReplayer.Replay(RepoPaths.ReferenceFile("CartPole-v1"));
        Assert.True(report.PostTerminalSteps > 0);
    }

    [Fact]
    public void Lcg_matches_the_readme_values_for_seed_0()
    {
        var lcg = new Lcg(0);
        Assert.Equal(3236661110929538048UL, lcg.Next());
        Assert.Equal(12285948757477592399UL, lcg.Next());
        Assert.Equal(12953637077557676338UL, lcg.Next());
    }

    [Theory]
    [MemberData(nameof(EnvIds))]
    public void Lcg_regenerates_the_recorded_lcg_actions(string envId)
    {
        var file = ReferenceFile.Load(RepoPaths.ReferenceFile(envId));
        Assert.Equal(Lcg.DefaultA, file.Lcg!.A);
        Assert.Equal(Lcg.DefaultC, file.Lcg.C);
        var env = EnvRegistry.MakeStateful(envId);
        int checkedEpisodes = 0;
        foreach (var ep in file.Episodes.Where(e => e.ActionSource == "lcg"))
        {
            var lcg = new Lcg((ulong)ep.Seed, file.Lcg.A, file.Lcg.C);
            foreach (var step in ep.Steps.Concat(ep.PostTerminalSteps ?? []))
            {
                double expected = env.ActionSpace is Core.DiscreteSpace d
                    ? lcg.Int(d.N)
                    : lcg.Continuous(((Core.BoxSpace)env.ActionSpace).Low[0] * ReferenceRecorder.ContinuousRangeFactor,
                                     ((Core.BoxSpace)env.ActionSpace).High[0] * ReferenceRecorder.ContinuousRangeFactor);
                Assert.Equal(expected, step.Action[0]);
            }
            checkedEpisodes++;
        }
        Assert.True(checkedEpisodes > 0);
    }

    [Theory]
    [MemberData(nameof(EnvIds))]
    public void A_new_file_recorded_for_other_seeds_passes_and_a_tampered_copy_fails(string envId)
    {
        string dir = TempDir();
        try
        {
            var recorded = ReferenceRecorder.Record(envId, [100, 101, 102], maxEpisodeSteps: 60);
            string path = Path.Combine(dir, "new.json");
            recorded.Save(path);
            var loaded = ReferenceFile.Load(path);
            Assert.Equal(3, loaded.Episodes.Count);
            Assert.Equal(60, loaded.MaxEpisodeSteps);
            Assert.True(ReferenceReplayer.Replay(loaded).Exact);

            // Flip the last bit of one observation component.
            var ep = loaded.Episodes[1];
            var obs = (double[])ep.Steps[^1].Obs.Clone();
            obs[0] = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(obs[0]) ^ 1);
            var steps = ep.Steps.ToList();
            steps[^1] = steps[^1] with { Obs = obs };
            var tampered = loaded with { Episodes = [loaded.Episodes[0], ep with { Steps = steps }, loaded.Episodes[2]] };
            var report = ReferenceReplayer.Replay(tampered);
            Assert.False(report.Exact);
            Assert.True(report.MaxObsDiff > 0);
            Assert.Equal(0.0, report.MaxStateDiff);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_reordered_subset_of_a_shared_file_passes_after_a_save_load_round_trip()
    {
        string dir = TempDir();
        try
        {
            var file = ReferenceFile.Load(RepoPaths.ReferenceFile("CartPole-v1"));
            var subset = file with { Episodes = [file.Episodes[12], file.Episodes[3], file.Episodes[0]] };
            string path = Path.Combine(dir, "subset.json");
            subset.Save(path);
            var loaded = ReferenceFile.Load(path);
            Assert.Equal(file.Episodes[12].Steps[5].State, loaded.Episodes[0].Steps[5].State);
            var report = ReferenceReplayer.Replay(loaded);
            Assert.True(report.Exact);
            Assert.Equal(3, report.Episodes);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Tampered_flag_or_reward_is_reported()
    {
        var file = ReferenceFile.Load(RepoPaths.ReferenceFile("MountainCar-v0"));
        var ep = file.Episodes[0];
        var steps = ep.Steps.ToList();
        steps[10] = steps[10] with { Terminated = true, Reward = -0.5 };
        var report = ReferenceReplayer.Replay(file with { Episodes = [ep with { Steps = steps }] });
        Assert.Equal(1, report.FlagMismatches);
        Assert.Equal(0.5, report.MaxRewardDiff);
        Assert.False(report.Exact);
    }

    [Fact]
    public void Missing_file_is_a_format_error_naming_the_file()
    {
        string path = Path.Combine(TempDirPathOnly(), "nope.json");
        var e = Assert.Throws<ReferenceFormatException>(() => ReferenceFile.Load(path));
        Assert.Contains("nope.json", e.Message);
        Assert.Contains("not found", e.Message);
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("[]", "top level")]
    [InlineData("""{"max_episode_steps": 500, "episodes": []}""", "env_id is missing")]
    [InlineData("""{"env_id": "Nope-v9", "max_episode_steps": 500, "episodes": []}""", "CartPole-v1")]
    [InlineData("""{"env_id": "CartPole-v1", "episodes": []}""", "max_episode_steps is missing")]
    [InlineData("""{"env_id": "CartPole-v1", "max_episode_steps": 500, "episodes": []}""", "episodes is empty")]
    [InlineData("""{"env_id": "CartPole-v1", "max_episode_steps": 500, "lcg": {"A": -1, "C": 1}, "episodes": []}""", "lcg.A")]
    [InlineData("""{"env_id": "CartPole-v1", "max_episode_steps": 500, "episodes": [{"initial_state": [0,0,0], "initial_obs": [0,0,0,0], "steps": []}]}""", "episodes[0].initial_state has 3 values")]
    [InlineData("""{"env_id": "CartPole-v1", "max_episode_steps": 500, "episodes": [{"initial_state": [0,0,0,0], "initial_obs": [0,0,0,0]}]}""", "episodes[0].steps is missing")]
    [InlineData("""{"env_id": "CartPole-v1", "max_episode_steps": 500, "episodes": [{"initial_state": [0,0,0,0], "initial_obs": [0,0,0,0], "steps": [{"action": 3, "obs": [0,0,0,0], "state": [0,0,0,0], "reward": 1, "terminated": false, "truncated": false}]}]}""", "steps[0].action")]
    [InlineData("""{"env_id": "CartPole-v1", "max_episode_steps": 500, "episodes": [{"initial_state": [0,0,0,0], "initial_obs": [0,0,0,0], "steps": [{"action": 1, "obs": [0,0,0,0], "state": [0,0,0,0], "terminated": false, "truncated": false}]}]}""", "steps[0].reward is missing")]
    [InlineData("""{"env_id": "CartPole-v1", "max_episode_steps": 500, "episodes": [{"initial_state": [0,0,0,0], "initial_obs": [0,0,0,0], "steps": [{"action": 1, "obs": [0,0,0,0], "state": [0,0,0,0], "reward": 1, "terminated": "no", "truncated": false}]}]}""", "terminated must be true or false")]
    [InlineData("""{"env_id": "CartPole-v1", "max_episode_steps": 500, "episodes": [{"initial_state": [0,0,0,0], "initial_obs": [0,0,0,0], "length": 7, "steps": []}]}""", "length is 7")]
    public void Malformed_files_are_one_line_format_errors(string json, string expected)
    {
        string dir = TempDir();
        try
        {
            string path = Path.Combine(dir, "bad.json");
            File.WriteAllText(path, json);
            var e = Assert.Throws<ReferenceFormatException>(() => ReferenceFile.Load(path));
            Assert.Contains(expected, e.Message);
            Assert.StartsWith(path, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_shared_file_with_a_field_removed_is_a_format_error()
    {
        var root = JsonNode.Parse(File.ReadAllText(RepoPaths.ReferenceFile("Pendulum-v1")))!;
        root["episodes"]![4]!["steps"]![17]!.AsObject().Remove("state");
        string dir = TempDir();
        try
        {
            string path = Path.Combine(dir, "Pendulum-v1.json");
            File.WriteAllText(path, root.ToJsonString());
            var e = Assert.Throws<ReferenceFormatException>(() => ReferenceFile.Load(path));
            Assert.Contains("episodes[4].steps[17].state is missing", e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    internal static string TempDir()
    {
        string dir = TempDirPathOnly();
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string TempDirPathOnly() => Path.Combine(Path.GetTempPath(), "natpolicy-envs-" + Guid.NewGuid().ToString("N"));
}
