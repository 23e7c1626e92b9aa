using System.Globalization;
using System.Text.RegularExpressions;

namespace NatPolicy.Cli.Tests;

/// <summary>
/// The built examples/NatPolicy.Examples program (same configuration as this test assembly), run as a user runs it:
/// without arguments it trains npg on its own PointMass-v0 through <see cref="Agent"/>; with arguments it is the
/// natpolicy verbs, which then know PointMass-v0.
/// </summary>
public sealed partial class ExampleProgramTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-example-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    [Trait("Category", "Learning")]
    public void Without_arguments_it_learns_better_than_a_random_policy_and_reaches_its_threshold()
    {
        var (code, stdout, stderr) = Example();
        Assert.True(code == 0, stdout + stderr);
        double random = Number(RandomLine().Match(stdout));
        var learned = LearnedLine().Match(stdout);
        double mean = Number(learned), threshold = double.Parse(learned.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(mean > random && mean >= threshold, stdout);
        Assert.True(File.Exists(Path.Combine(_root, "results", "pointmass-policy.json")));
        Assert.Matches(@"reloaded policy at \(0\.5, -0\.8\): action \(-?\d", stdout);
    }

    [Fact]
    [Trait("Category", "Env")]
    public void With_arguments_it_hosts_the_verbs_for_its_own_env()
    {
        string run = Path.Combine(_root, "run");
        var train = Example("train", "--env", "PointMass-v0", "--algo", "npg", "--seed", "1", "--steps", "4000", "--out", run, "--quiet");
        Assert.True(train.Code == 0, train.Err);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "progress.csv")).Length); // header + 2 iterations of 2000

        var evaluate = Example("evaluate", "--policy", run, "--episodes", "3", "--json");
        Assert.True(evaluate.Code == 0, evaluate.Err);
        Assert.StartsWith("{\"env_id\":\"PointMass-v0\",\"episodes\":3,", evaluate.Out);

        string cmp = Path.Combine(_root, "cmp");
        var compare = Example("compare", "--env", "PointMass-v0", "--algos", "npg,trpo", "--seeds", "2", "--steps", "2000",
            "--jobs", "1", "--out", cmp, "--quiet");
        Assert.True(compare.Code == 0, compare.Err);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(cmp, "summary.csv")).Length); // header + one line per algorithm
        Assert.Equal(4, Directory.GetFiles(cmp, "policy.json", SearchOption.AllDirectories).Length); // 2 algorithms × 2 seeds

        var check = Example("checkenv", "PointMass-v0");
        Assert.True(check.Code == 0, check.Out + check.Err);
        var unknown = Example("train", "--env", "Nope-v0", "--algo", "npg", "--seed", "1");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("PointMass-v0", unknown.Err);
    }

    private static double Number(Match m)
    {
        Assert.True(m.Success);
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"random policy: return (-?[\d.]+)")]
    private static partial Regex RandomLine();

    [GeneratedRegex(@"learned policy: return (-?[\d.]+) ± [\d.]+ \(threshold (-?[\d.]+)\)")]
    private static partial Regex LearnedLine();

    /// <summary>Runs <c>dotnet NatPolicy.Examples.dll ARGS</c> in the test's folder (5 minutes at most).</summary>
    private (int Code, string Out, string Err) Example(params string[] args)
    {
        Assert.True(File.Exists(Built.ExampleDll), $"{Built.ExampleDll} is not built");
        return ChildProcess.Run("dotnet", _root, TimeSpan.FromMinutes(5), [Built.ExampleDll, .. args]);
    }
}
