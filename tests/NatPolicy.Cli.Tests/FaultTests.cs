using System.Text.RegularExpressions;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Tests;

/// <summary>
/// The fault tier: bad input for every verb (exit 2, one line, nothing written), concurrent starts into one folder,
/// an injected IO failure, edited or damaged run folders on resume, and non-finite numbers never written.
/// </summary>
[Trait("Category", "Fault")]
public sealed partial class FaultTests(FaultTests.Inputs inputs) : IDisposable, IClassFixture<FaultTests.Inputs>
{
    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-fault-").FullName;

    /// <summary>The files the bad-input table points at, made once: a run, a Pendulum run, damaged copies.</summary>
    public sealed class Inputs : IDisposable
    {
        public string Root { get; } = Directory.CreateTempSubdirectory("natpolicy-fault-inputs-").FullName;

        public Inputs()
        {
            string Dir(string name) => Path.Combine(Root, name);
            File.WriteAllText(Dir("afile"), "");
            Assert.Equal(0, Run(Train(Dir("run"))).Code);
            Directory.CreateDirectory(Dir("badcsv"));
            File.WriteAllText(Path.Combine(Dir("badcsv"), "progress.csv"), "\0\u0001binary\n");
            string policy = File.ReadAllText(Path.Combine(Dir("run"), RunFolder.PolicyFile));
            File.WriteAllText(Dir("nan.json"), Regex.Replace(policy, @"""parameters"": \[\s*[^,\s]+", @"""parameters"": [ ""NaN"""));
            File.WriteAllText(Dir("noaction.json"), Regex.Replace(policy, @"""action_space""", @"""no_action_space"""));
            Assert.Equal(0, Run("train", "--env", "Pendulum-v1", "--algo", "npg", "--steps", "400", "--batch", "200", "--set", "normalize_observations=true", "--quiet", "--out", Dir("prun")).Code);
            string pendulum = File.ReadAllText(Path.Combine(Dir("prun"), RunFolder.PolicyFile));
            string negvar = Regex.Replace(pendulum, @"""variance"": \[\s*", @"""variance"": [ -1, ");
            Assert.NotEqual(pendulum, negvar); // the run has a normaliser to damage
            File.WriteAllText(Dir("negvar.json"), negvar);
        }

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }

    public void Dispose()
    {
        AtomicFile.BeforeWrite = null;
        Directory.Delete(_root, recursive: true);
    }

    private string Dir(string name) => Path.Combine(_root, name);

    private static (int Code, string Out, string Err) Run(params string[] args) => InProcess.Natpolicy(args);

    private static readonly string[] Small = ["--env", "CartPole-v1", "--algo", "npg", "--steps", "2000", "--batch", "250", "--quiet"];

    private static string[] Train(string dir, params string[] extra) => ["train", .. Small, "--out", dir, .. extra];

    /// <summary>Every file under the root with its bytes, to show that a refused command wrote nothing.</summary>
    private static Dictionary<string, string> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !RunFolderLock.IsLockFile(f))
            .ToDictionary(f => f, f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

    private static void AssertOneLine((int Code, string Out, string Err) r, int code, string? mention = null)
    {
        Assert.True(r.Code == code, $"exit {r.Code}, expected {code}: {r.Err}");
        string line = r.Err.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain("   at ", line);
        if (mention is not null) Assert.Contains(mention, line);
    }

    /// <summary>Progress rows without the wall-clock column (the only one that differs between equal runs).</summary>
    private static string[] Rows(string dir)
    {
        var lines = File.ReadAllLines(Path.Combine(dir, RunFolder.ProgressFile));
        int wall = Array.IndexOf(lines[0].Split(','), "wall_seconds");
        return lines.Select(l => string.Join(',', l.Split(',').Where((_, k) => k != wall))).ToArray();
    }

    public static TheoryData<string, string[]> BadInputs() => new()
    {
        { "is a file", ["train", .. Small, "--out", "{root}/afile"] },
        { "is a file, not a folder", ["train", .. Small, "--out", "{root}/afile/x"] },
        { "the path is empty", ["train", .. Small, "--out", ""] },
        { "the path is empty", ["train", "--resume", ""] },
        { "does not exist", ["train", "--resume", "{root}/missing"] },
        { "allowed for at most 2048", ["train", .. Small, "--out", "{root}/x", "--set", "policy.kind=mlp", "--set", "policy.hidden_sizes=[64,64]"] },
        { "floating-point operations", ["train", .. Small, "--out", "{root}/x", "--set", "baseline.kind=mlp", "--set", "baseline.hidden_sizes=[4096,4096,4096,4096,4096,4096,4096,4096,4096,4096,4096,4096,4096,4096,4096,4096]"] },
        { "contradicts --env", ["train", .. Small, "--out", "{root}/x", "--set", "env_id=Nope-v0"] },
        { "gamma", ["train", .. Small, "--out", "{root}/x", "--set", "gamma=Infinity"] },
        { "steps_per_iteration", ["train", "--env", "CartPole-v1", "--algo", "npg", "--out", "{root}/x", "--batch", "2147483647"] },
        { "is a file", ["compare", "--env", "CartPole-v1", "--steps", "1000", "--out", "{root}/afile"] },
        { "at most 10000", ["compare", "--env", "CartPole-v1", "--seeds", "2147483647", "--out", "{root}/x"] },
        { "the path is empty", ["compare", "--resume", ""] },
        { "is a file, not a folder", ["plot", "{root}/run", "--out", "{root}/afile/x"] },
        { "not a progress.csv", ["plot", "{root}/badcsv"] },
        { "is a file", ["reproduce", "kakade-twostate", "--out", "{root}/afile"] },
        { "non-finite", ["evaluate", "--policy", "{root}/nan.json"] },
        { "variance", ["evaluate", "--policy", "{root}/negvar.json"] },
        { "action_space", ["evaluate", "--policy", "{root}/noaction.json"] },
        { "is a file, not a folder", ["evaluate", "--policy", "{root}/run", "--record", "{root}/afile/r.json"] },
        { "at most 1024", ["bench", "--copies", "2147483647"] },
        { "(0, 3600]", ["bench", "--seconds", "1e308"] },
        { "unknown", ["checkenv", "Nope-v0"] },
        { "is a file", ["benchmark", "--out", "{root}/afile"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_one_line_exit_2_and_writes_nothing(string mention, string[] args)
    {
        var before = Files(inputs.Root);

        var r = Run(args.Select(a => a.Replace("{root}", inputs.Root, StringComparison.Ordinal)).ToArray());

        AssertOneLine(r, 2, mention);
        Assert.Equal(before, Files(inputs.Root));
    }

    [Fact]
    public void Concurrent_starts_into_one_folder_give_one_run_equal_to_an_uninterrupted_one()
    {
        Assert.Equal(0, Run(Train(Dir("alone"))).Code);
        using var go = new ManualResetEventSlim();
        var results = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            go.Wait();
            return Run(Train(Dir("contended")));
        })).ToArray();
        go.Set();
        var done = results.Select(t => t.Result).ToArray();

        Assert.Single(done, r => r.Code == 0);
        foreach (var r in done.Where(r => r.Code != 0))
        {
            AssertOneLine(r, 2);
            Assert.Matches("in use by another natpolicy process|already holds a run", r.Err);
        }
        Assert.Equal(Rows(Dir("alone")), Rows(Dir("contended")));
        Assert.Equal(File.ReadAllText(Path.Combine(Dir("alone"), RunFolder.PolicyFile)), File.ReadAllText(Path.Combine(Dir("contended"), RunFolder.PolicyFile)));
    }

    [Fact]
    public void A_held_folder_is_refused_before_anything_is_read_or_written()
    {
        Directory.CreateDirectory(Dir("held"));
        using var hold = RunFolderLock.Acquire(Dir("held"));
        AssertOneLine(Run(Train(Dir("held"))), 2, "in use by another natpolicy process");
        Assert.Equal([RunFolderLock.FileName], Directory.GetFiles(Dir("held")).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("iter_000002.json")]
    [InlineData("progress.csv")]
    [InlineData("policy.json")]
    [InlineData("learning_curve.png")]
    public void A_failing_disk_is_one_line_exit_1_leaves_no_partial_file_and_resume_gives_the_uninterrupted_rows(string failing)
    {
        Assert.Equal(0, Run(Train(Dir("whole"), "--set", "checkpoint_every=1")).Code);
        string dir = Dir("full");
        int progressWrites = 0;
        AtomicFile.BeforeWrite = path =>
        {
            if (!path.StartsWith(dir, StringComparison.Ordinal) || Path.GetFileName(path) != failing) return;
            if (failing == "progress.csv" && ++progressWrites < 3) return;
            throw new IOException($"No space left on device : '{path}'");
        };
        var r = Run(Train(dir, "--set", "checkpoint_every=1"));
        AtomicFile.BeforeWrite = null;

        AssertOneLine(r, 1, "No space left on device");
        Assert.Empty(Directory.GetFiles(dir, "*.tmp", SearchOption.AllDirectories));
        if (failing != "learning_curve.png")
        {
            Assert.Equal(0, Run("train", "--resume", dir, "--quiet").Code);
        }
        Assert.Equal(Rows(Dir("whole")), Rows(dir));
    }

    [Fact]
    public void Resume_refuses_a_changed_config_and_an_incomplete_log_and_falls_back_past_a_damaged_checkpoint()
    {
        Assert.Equal(0, Run(Train(Dir("whole"), "--set", "checkpoint_every=2")).Code);

        string changed = Copy("whole", "changed");
        string config = Path.Combine(changed, RunFolder.ConfigFile);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"max_kl\": 0.01", "\"max_kl\": 0.02", StringComparison.Ordinal));
        AssertOneLine(Run("train", "--resume", changed, "--quiet"), 2, "changed since");

        string shortLog = Copy("whole", "short");
        string progress = Path.Combine(shortLog, RunFolder.ProgressFile);
        File.WriteAllLines(progress, File.ReadAllLines(progress).Take(3));
        AssertOneLine(Run("train", "--resume", shortLog, "--quiet"), 2, "rows");

        string damaged = Copy("whole", "damaged");
        var checkpoints = Directory.GetFiles(Path.Combine(damaged, RunFolder.CheckpointDir)).Order(StringComparer.Ordinal).ToArray();
        File.WriteAllText(checkpoints[^1], "{\"format_version\":2,\"iteration\":6,\"doubles\":[NaN],\"words\":[1]}");
        File.Delete(Path.Combine(damaged, RunFolder.PolicyFile));
        File.WriteAllText(Path.Combine(damaged, "stale.json.tmp"), "partial");
        var r = Run("train", "--resume", damaged);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("skipped damaged checkpoint", r.Out);
        Assert.False(File.Exists(Path.Combine(damaged, "stale.json.tmp")));
        Assert.Equal(Rows(Dir("whole")), Rows(damaged));
    }

    [Theory]
    [InlineData("vpg", "algo.learning_rate=10")]
    [InlineData("npg", "algo.max_kl=10")]
    [InlineData("npg", "algo.damping=0")]
    [InlineData("npg", "algo.damping=1000000")]
    [InlineData("trpo", "algo.max_kl=10")]
    public void Extreme_configs_never_write_a_non_finite_token(string algo, string set)
    {
        foreach (var env in algo == "npg" && set == "algo.max_kl=10" ? new[] { "CartPole-v1", "Pendulum-v1" } : ["CartPole-v1"])
        {
            string dir = Dir(env + algo);
            string[] extra = env == "Pendulum-v1" ? ["--set", "policy.init_log_std=5"] : [];
            var r = Run(["train", "--env", env, "--algo", algo, "--steps", "60", "--batch", "1", "--set", "num_envs=1", "--set", set, .. extra, "--quiet", "--out", dir]);
            Assert.True(r.Code == 0, r.Err);
            foreach (var file in Directory.EnumerateFiles(dir, "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".json") || f.EndsWith(".csv")))
                Assert.DoesNotMatch(NonFinite(), File.ReadAllText(file));
        }
    }

    [Fact]
    public void The_progress_reader_accepts_what_older_writers_wrote()
    {
        Assert.Equal(0, Run(Train(Dir("run"))).Code);
        string progress = Path.Combine(Dir("run"), RunFolder.ProgressFile);
        var lines = File.ReadAllLines(progress);
        var cells = lines[1].Split(',');
        cells[3] = "-inf";
        cells[9] = "inf";
        lines[1] = string.Join(',', cells);
        File.WriteAllLines(progress, lines);
        Assert.True(double.IsNaN(ProgressCsv.Read(progress)[0].ReturnMean));
        Assert.Equal(0, Run("plot", Dir("run"), "--out", Dir("curve")).Code);
    }

    private string Copy(string from, string to)
    {
        foreach (var f in Directory.EnumerateFiles(Dir(from), "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(Dir(to), Path.GetRelativePath(Dir(from), f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target);
        }
        return Dir(to);
    }

    [GeneratedRegex(@"(?i)\bnan\b|infinity|\binf\b")]
    private static partial Regex NonFinite();
}
