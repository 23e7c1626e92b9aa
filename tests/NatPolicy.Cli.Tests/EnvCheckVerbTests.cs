using NatPolicy.Envs;
using NatPolicy.Envs.Reference;

namespace NatPolicy.Cli.Tests;

[Trait("Category", "Env")]
public sealed class EnvCheckVerbTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => InProcess.Natpolicy(args);

    [Fact]
    public void All_five_shared_files_match_exactly_exit_0()
    {
        string[] files = EnvRegistry.BuiltInIds.Select(RepoPaths.ReferenceFile).ToArray();
        var (code, output, err) = Run(["envcheck", .. files]);
        Assert.True(code == 0, output + err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        foreach (var id in EnvRegistry.BuiltInIds)
            Assert.Contains(lines, l => l.StartsWith("OK", StringComparison.Ordinal) && l.Contains(id, StringComparison.Ordinal));
        Assert.StartsWith("verdict: EXACT", lines[^1]);
        Assert.Equal("", err);
    }

    [Fact]
    public void A_new_file_passes_and_a_tampered_value_fails_with_exit_1()
    {
        string dir = Directory.CreateTempSubdirectory("natpolicy-envcheck-").FullName;
        try
        {
            var file = ReferenceRecorder.Record("Acrobot-v1", [1000, 1001], maxEpisodeSteps: 40);
            string good = Path.Combine(dir, "good.json");
            file.Save(good);
            Assert.Equal(0, Run("envcheck", good).Code);

            var ep = file.Episodes[0];
            var steps = ep.Steps.ToList();
            steps[20] = steps[20] with { Reward = steps[20].Reward + 1e-9 };
            string bad = Path.Combine(dir, "bad.json");
            (file with { Episodes = [ep with { Steps = steps }, file.Episodes[1]] }).Save(bad);
            var (code, output, _) = Run("envcheck", good, bad);
            Assert.Equal(1, code);
            Assert.Contains("FAIL", output);
            Assert.Contains("verdict: MISMATCH: 1 of 2", output);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void No_files_missing_file_or_malformed_file_exit_2_with_one_line()
    {
        var none = Run("envcheck");
        Assert.Equal(2, none.Code);
        Assert.Contains("no reference files", none.Err);

        string dir = Directory.CreateTempSubdirectory("natpolicy-envcheck-").FullName;
        try
        {
            string missing = Path.Combine(dir, "missing.json");
            var m = Run("envcheck", RepoPaths.ReferenceFile("CartPole-v1"), missing);
            Assert.Equal(2, m.Code);
            Assert.Contains("missing.json", m.Err);
            Assert.Single(m.Err.TrimEnd().Split('\n'));

            string malformed = Path.Combine(dir, "malformed.json");
            File.WriteAllText(malformed, """{"env_id": "LunarLander-v3", "max_episode_steps": 1000, "episodes": []}""");
            var b = Run("envcheck", malformed);
            Assert.Equal(2, b.Code);
            Assert.Contains("malformed.json", b.Err);
            Assert.Contains("CartPole-v1", b.Err); // lists the valid ids
            Assert.Single(b.Err.TrimEnd().Split('\n'));

            File.WriteAllText(malformed, "{\"env_id\": ");
            Assert.Equal(2, Run("envcheck", malformed).Code);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Bench_rejects_bad_flags_with_exit_2()
    {
        Assert.Equal(2, Run("bench", "--seconds", "-1").Code);
        Assert.Equal(2, Run("bench", "--env", "Nope-v0").Code);
        Assert.Equal(2, Run("bench", "--frobnicate").Code);
    }

    [Fact]
    public void Bench_prints_a_table_with_zero_bytes_per_step()
    {
        var (code, output, err) = Run("bench", "--seconds", "0.05", "--copies", "8");
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("single", lines[1]);
        Assert.Contains("SyncVectorEnv", lines[2]);
        var single = BenchVerb.MeasureSingle("CartPole-v1", 0.05);
        Assert.True(single.StepsPerSecond > 0);
        Assert.Equal(0.0, single.BytesPerStep);
    }
}
