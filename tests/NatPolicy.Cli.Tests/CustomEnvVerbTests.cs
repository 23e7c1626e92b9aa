namespace NatPolicy.Cli.Tests;

/// <summary>
/// The verbs hosted in a program that registered its own env (as a user's program would: register, then
/// <see cref="Cli.Run"/>), <c>checkenv</c>'s exit codes, and <c>evaluate --record</c> replayed by <c>envcheck</c>.
/// </summary>
[Trait("Category", "Env")]
public sealed class CustomEnvVerbTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-custom-cli-").FullName;

    public CustomEnvVerbTests() => TestEnvs.EnsureRegistered();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => InProcess.Natpolicy(args);

    [Fact]
    public void Checkenv_exits_0_for_a_sound_env_1_for_a_broken_one_2_for_an_unknown_id()
    {
        var ok = Run("checkenv", TestEnvs.PointMass);
        Assert.True(ok.Code == 0, ok.Out + ok.Err);
        Assert.Contains("SKIP snapshot", ok.Out);
        var broken = Run("checkenv", TestEnvs.Broken);
        Assert.Equal(1, broken.Code);
        Assert.Contains("FAIL step contract", broken.Out);
        Assert.Contains("verdict: FAIL", broken.Out);
        var unknown = Run("checkenv", "Nope-v0");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("Nope-v0", unknown.Err);
        Assert.Equal(2, Run("checkenv").Code);
    }

    [Fact]
    public void A_registered_env_trains_evaluates_compares_and_plots_through_the_verbs()
    {
        string run = Path.Combine(_root, "run");
        var t = Run("train", "--env", TestEnvs.PointMass, "--algo", "trpo", "--seed", "3", "--steps", "3000", "--batch", "1000", "--out", run, "--quiet");
        Assert.True(t.Code == 0, t.Err);
        foreach (var f in new[] { "config.json", "progress.csv", "policy.json", "learning_curve.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), f);
        string rows = File.ReadAllText(Path.Combine(run, "progress.csv"));
        var resume = Run("train", "--resume", run, "--quiet");
        Assert.True(resume.Code == 0, resume.Err); // no snapshots: restarts from iteration 0 and writes the same rows
        static string WithoutWall(string csv) => string.Join('\n', csv.Split('\n').Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 16))));
        Assert.Equal(WithoutWall(rows), WithoutWall(File.ReadAllText(Path.Combine(run, "progress.csv"))));

        var e = Run("evaluate", "--policy", run, "--episodes", "2", "--json");
        Assert.True(e.Code == 0, e.Err);
        Assert.Contains("\"per_episode\":[{\"seed\":0,", e.Out);
        var rec = Run("evaluate", "--policy", run, "--episodes", "1", "--record", Path.Combine(_root, "pm.json"));
        Assert.Equal(2, rec.Code);
        Assert.Contains("IStatefulEnv", rec.Err);

        string cmp = Path.Combine(_root, "cmp");
        var c = Run("compare", "--env", TestEnvs.PointMass, "--algos", "npg", "--seeds", "2", "--steps", "2000", "--batch", "1000", "--out", cmp, "--quiet");
        Assert.True(c.Code == 0, c.Err);
        Assert.True(File.Exists(Path.Combine(cmp, "summary.csv")));
        Assert.Contains("-1", File.ReadAllText(Path.Combine(cmp, "comparison.json"))); // the registered threshold
        Assert.Equal(0, Run("plot", cmp, "--out", Path.Combine(_root, "cmp.png")).Code);
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Acrobot-v1")]
    [InlineData("Pendulum-v1")]
    public void Evaluate_record_writes_episodes_that_envcheck_replays_exactly(string env)
    {
        string run = Path.Combine(_root, env);
        Assert.Equal(0, Run("train", "--env", env, "--algo", "npg", "--seed", "1", "--steps", "2000", "--batch", "1000", "--out", run, "--quiet").Code);
        string sampled = Path.Combine(_root, env + ".sampled.json"), mean = Path.Combine(_root, env + ".mean.json");
        Assert.Equal(0, Run("evaluate", "--policy", run, "--episodes", "2", "--record", sampled).Code);
        Assert.Equal(0, Run("evaluate", "--policy", run, "--episodes", "1", "--deterministic", "--json", "--record", mean).Code);
        var check = Run("envcheck", sampled, mean);
        Assert.True(check.Code == 0, check.Out + check.Err);
        Assert.Contains("max|Δobs| 0  max|Δstate| 0  max|Δreward| 0  flag mismatches 0", check.Out);
        Assert.Contains("verdict: EXACT", check.Out);
    }
}
