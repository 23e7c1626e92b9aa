using System.Globalization;
using NatPolicy.Experiments.Compare;

namespace NatPolicy.Cli.Tests;

/// <summary>train / evaluate / compare / plot through <see cref="Cli.Run"/>: outputs, and bad input (exit 2, one line, nothing overwritten).</summary>
[Trait("Category", "Env")]
public sealed class TrainingVerbTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => InProcess.Natpolicy(args);

    private string Dir(string name) => Path.Combine(_root, name);

    private string Json(string name, string text)
    {
        string path = Dir(name);
        File.WriteAllText(path, text);
        return path;
    }

    private static void AssertUsageError((int Code, string Out, string Err) r, params string[] mentions)
    {
        Assert.Equal(2, r.Code);
        string line = r.Err.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain("   at ", line);
        foreach (var m in mentions) Assert.Contains(m, line);
    }

    [Fact]
    public void TrainWritesTheRunFolderAndEvaluateReadsIt()
    {
        string dir = Dir("run");
        var r = Run("train", "--env", "CartPole-v1", "--algo", "npg", "--seed", "1", "--steps", "6000", "--out", dir, "--quiet");
        Assert.True(r.Code == 0, r.Err);
        foreach (var f in new[] { "config.json", "progress.csv", "policy.json", "learning_curve.png", "learning_curve.svg" })
            Assert.True(new FileInfo(Path.Combine(dir, f)).Length > 0, f);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, "checkpoints")));
        var header = File.ReadLines(Path.Combine(dir, "progress.csv")).First();
        Assert.StartsWith("iteration,env_steps,episodes,return_mean,return_std,return_min,return_max,length_mean,entropy,kl,step_size,grad_norm,cg_iterations,cg_residual,line_search_steps,accepted,wall_seconds", header);
        Assert.DoesNotContain("NaN", File.ReadAllText(Path.Combine(dir, "progress.csv")), StringComparison.OrdinalIgnoreCase);

        var e = Run("evaluate", "--policy", Path.Combine(dir, "policy.json"), "--episodes", "5", "--json");
        Assert.True(e.Code == 0, e.Err);
        Assert.Contains("\"return_mean\":", e.Out);
        var d = Run("evaluate", "--policy", Path.Combine(dir, "policy.json"), "--episodes", "3", "--deterministic");
        Assert.Equal(0, d.Code);
        Assert.Contains("CartPole-v1: return", d.Out);
    }

    [Theory]
    [InlineData("unknown algo 'ppo'", "train", "--env", "CartPole-v1", "--algo", "ppo", "--seed", "1")]
    [InlineData("unknown env 'CartPole-v0'", "train", "--env", "CartPole-v0", "--algo", "npg", "--seed", "1")]
    [InlineData("unknown option '--lr'", "train", "--env", "CartPole-v1", "--algo", "npg", "--lr", "3")]
    [InlineData("--steps must be positive", "train", "--env", "CartPole-v1", "--algo", "npg", "--steps", "0")]
    [InlineData("--delta must be positive", "train", "--env", "CartPole-v1", "--algo", "npg", "--delta", "-0.1")]
    [InlineData("--batch must be positive", "train", "--env", "CartPole-v1", "--algo", "npg", "--batch", "0")]
    [InlineData("--seed must be a non-negative integer", "train", "--env", "CartPole-v1", "--algo", "npg", "--seed", "-3")]
    [InlineData("does not exist", "train", "--env", "CartPole-v1", "--algo", "npg", "--config", "/nonexistent/c.json")]
    [InlineData("--seeds must be at least 1", "compare", "--env", "CartPole-v1", "--seeds", "0")]
    [InlineData("unknown algo 'sac'", "compare", "--env", "CartPole-v1", "--algos", "npg,sac")]
    [InlineData("not one of the compared algos", "compare", "--env", "CartPole-v1", "--algos", "npg", "--steps-for", "vpg=1000")]
    [InlineData("is not ALGO=STEPS", "compare", "--env", "CartPole-v1", "--steps-for", "vpg")]
    [InlineData("--seeds cannot be combined", "compare", "--resume", "/nonexistent", "--seeds", "2")]
    [InlineData("does not exist", "compare", "--resume", "/nonexistent/comparison")]
    [InlineData("--eval-episodes must be at least 1", "compare", "--env", "CartPole-v1", "--eval-episodes", "0")]
    [InlineData("unknown env 'Foo-v0'", "benchmark", "--envs", "CartPole-v1,Foo-v0")]
    [InlineData("does not exist", "plot", "/nonexistent/folder")]
    [InlineData("does not exist", "evaluate", "--policy", "/nonexistent/policy.json")]
    [InlineData("--cases: unknown case 'mlp65'; allowed: cartpole-npg,", "bench", "--train", "--cases", "mlp65")]
    [InlineData("--parallel must be at least 2 (got 1)", "bench", "--train", "--parallel", "1")]
    [InlineData("--parallel must be at most 64 (got 65)", "bench", "--train", "--parallel", "65")]
    [InlineData("--jobs must be in 2..64 with --compare (got 1)", "bench", "--compare", "--jobs", "1")]
    [InlineData("--rounds must be in 1..100 (got 0)", "bench", "--compare", "--rounds", "0")]
    [InlineData("--train and --compare measure different things", "bench", "--train", "--compare")]
    [InlineData("--compare runs natpolicy compare as child processes, so it needs the natpolicy tool itself", "bench", "--compare")]
    public void BadInputIsOneLineWithExitCode2(string mention, params string[] args) =>
        AssertUsageError(Run(args), mention);

    [Fact]
    public void BenchTrainWithParallelAddsOneScalingLinePerCase()
    {
        var (code, output, err) = Run("bench", "--train", "--cases", "cartpole-npg", "--iterations", "1", "--seeds", "1", "--parallel", "2");
        Assert.True(code == 0, err);
        string line = Assert.Single(output.Split('\n'), l => l.Contains("at once", StringComparison.Ordinal));
        Assert.StartsWith("CartPole-v1 npg: ", line);
        Assert.Matches(@"ms/iter each with 2 at once: [0-9.]+× the throughput of one \(3 interleaved rounds of 1 iterations\)", line);
    }

    [Fact]
    public void ConfigFileProblemsNameTheKey()
    {
        AssertUsageError(Run("train", "--env", "CartPole-v1", "--algo", "npg", "--config", Json("typo.json", """{"max_kll": 0.1}"""), "--out", Dir("x")),
            "'max_kll'", "max_kl");
        AssertUsageError(Run("train", "--env", "CartPole-v1", "--algo", "npg", "--config", Json("bad.json", "{ oops"), "--out", Dir("x")),
            "malformed JSON");
        AssertUsageError(Run("train", "--env", "CartPole-v1", "--algo", "npg", "--config", Json("neg.json", """{"steps_per_iteration": -5}"""), "--out", Dir("x")),
            "steps_per_iteration");
        Assert.False(Directory.Exists(Dir("x")));
    }

    [Fact]
    public void ExistingRunIsNotOverwrittenWithoutForce()
    {
        string dir = Dir("run");
        Assert.Equal(0, Run("train", "--env", "CartPole-v1", "--algo", "npg", "--seed", "1", "--steps", "2000", "--out", dir, "--quiet").Code);
        string before = File.ReadAllText(Path.Combine(dir, "progress.csv"));
        AssertUsageError(Run("train", "--env", "CartPole-v1", "--algo", "vpg", "--seed", "2", "--steps", "2000", "--out", dir), "already holds a run", "--force");
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir, "progress.csv")));
        Assert.Equal(0, Run("train", "--env", "CartPole-v1", "--algo", "vpg", "--seed", "2", "--steps", "2000", "--out", dir, "--force", "--quiet").Code);
        Assert.Contains("\"name\": \"vpg\"", File.ReadAllText(Path.Combine(dir, "config.json")));
    }

    [Fact]
    public void EvaluateRefusesAPolicyThatDoesNotFitTheEnv()
    {
        string dir = Dir("run");
        Assert.Equal(0, Run("train", "--env", "CartPole-v1", "--algo", "npg", "--seed", "1", "--steps", "2000", "--out", dir, "--quiet").Code);
        AssertUsageError(Run("evaluate", "--policy", Path.Combine(dir, "policy.json"), "--env", "Acrobot-v1"), "does not fit Acrobot-v1");
        AssertUsageError(Run("evaluate", "--policy", Json("junk.json", "[1,2,3]")), "junk.json");
    }

    [Fact]
    public void PlotRefusesAFolderWithoutRuns()
    {
        Directory.CreateDirectory(Dir("empty"));
        AssertUsageError(Run("plot", Dir("empty")), "holds neither a run");
    }

    [Fact]
    public void CompareSummaryRecomputesExactlyFromTheProgressFiles()
    {
        string dir = Dir("cmp");
        var r = Run("compare", "--env", "CartPole-v1", "--algos", "vpg,npg", "--seeds", "3", "--steps", "20000", "--out", dir, "--jobs", "2", "--quiet");
        Assert.True(r.Code == 0, r.Err);
        foreach (var f in new[] { "summary.csv", "summary.md", "learning_curves.png", "learning_curves.svg" })
            Assert.True(new FileInfo(Path.Combine(dir, f)).Length > 0, f);

        var summary = File.ReadAllLines(Path.Combine(dir, "summary.csv"));
        var cols = summary[0].Split(',');
        Assert.Equal(3, summary.Length);
        foreach (var line in summary.Skip(1))
        {
            var cell = line.Split(',');
            string algo = cell[0];
            // Independent recomputation from the raw files: return_mean carried forward, threshold 475.
            var finals = new List<double>();
            var steps = new List<double>();
            foreach (var seedDir in Directory.GetDirectories(Path.Combine(dir, algo)).Order())
            {
                var rows = File.ReadAllLines(Path.Combine(seedDir, "progress.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
                double last = double.NaN, reached = double.PositiveInfinity;
                var carried = new List<double>();
                foreach (var row in rows)
                {
                    if (row[3].Length > 0) last = double.Parse(row[3], CultureInfo.InvariantCulture);
                    carried.Add(last);
                    if (last >= 475 && double.IsPositiveInfinity(reached)) reached = double.Parse(row[1], CultureInfo.InvariantCulture);
                }
                int k = Math.Max(1, (int)Math.Ceiling(0.1 * carried.Count));
                finals.Add(carried.Skip(carried.Count - k).Where(x => !double.IsNaN(x)).Average());
                steps.Add(reached);
            }
            double Col(string name) => cell[Array.IndexOf(cols, name)] is { Length: > 0 } s ? double.Parse(s, CultureInfo.InvariantCulture) : double.NaN;
            Assert.Equal(3, (int)Col("seeds"));
            Assert.Equal(steps.Count(double.IsFinite) / 3.0, Col("reached_fraction"));
            var sorted = steps.Order().ToArray();
            double median = sorted[1];
            if (double.IsFinite(median)) Assert.Equal(median, Col("median_steps_to_threshold"));
            else Assert.True(double.IsNaN(Col("median_steps_to_threshold")));
            Assert.Equal(finals.Average(), Col("final_return_mean"), 12);
            var (lo, hi) = Statistics.BootstrapCi(finals, Statistics.Mean);
            Assert.Equal(lo, Col("final_return_mean_ci_low"));
            Assert.Equal(hi, Col("final_return_mean_ci_high"));
            Assert.Equal(Statistics.InterquartileMean(finals), Col("final_return_iqm"));
        }

        // Redrawing from the files alone works, and a second compare into the same folder is refused.
        var p = Run("plot", dir, "--out", Path.Combine(_root, "again.png"));
        Assert.True(p.Code == 0, p.Err);
        Assert.True(File.Exists(Path.Combine(_root, "again.png")) && File.Exists(Path.Combine(_root, "again.svg")));
        AssertUsageError(Run("compare", "--env", "CartPole-v1", "--algos", "npg", "--seeds", "1", "--out", dir), "already holds");
    }

    [Fact]
    public void CompareForceGivesExactlyTheCellsAskedForAndSaysEachBudget()
    {
        string dir = Dir("cmp");
        var r = Run("compare", "--env", "CartPole-v1", "--algos", "vpg,npg", "--seeds", "2", "--steps", "2000", "--steps-for", "vpg=3000",
            "--eval-episodes", "3", "--out", dir, "--jobs", "2", "--quiet");
        Assert.True(r.Code == 0, r.Err);
        string svg = File.ReadAllText(Path.Combine(dir, "learning_curves.svg"));
        Assert.Contains("vpg (mean of 2 seeds, 95% CI, 3,000 steps)", svg);
        Assert.Contains("npg (mean of 2 seeds, 95% CI, 2,000 steps)", svg);
        Assert.Contains("| vpg | 3,000 | 2 |", File.ReadAllText(Path.Combine(dir, "summary.md")));

        r = Run("compare", "--env", "CartPole-v1", "--algos", "npg", "--seeds", "1", "--steps", "2000", "--eval-episodes", "3", "--out", dir, "--force", "--quiet");
        Assert.True(r.Code == 0, r.Err);
        var summary = File.ReadAllLines(Path.Combine(dir, "summary.csv"));
        Assert.Equal(2, summary.Length);
        Assert.StartsWith("npg,2000,1,1,", summary[1]);
        Assert.False(Directory.Exists(Path.Combine(dir, "vpg")));
        Assert.False(Directory.Exists(Path.Combine(dir, "npg", "s1")));
        Assert.Contains("npg (mean of 1 seeds, 95% CI)", File.ReadAllText(Path.Combine(dir, "learning_curves.svg")));

        // Resuming a finished comparison trains nothing and rebuilds the same summary.
        string before = File.ReadAllText(Path.Combine(dir, "cells.csv"));
        r = Run("compare", "--resume", dir, "--quiet");
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir, "cells.csv")));

        // --force never deletes a folder that is not a comparison or a run.
        string mine = Dir("mine");
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, "notes.txt"), "keep");
        AssertUsageError(Run("compare", "--env", "CartPole-v1", "--algos", "npg", "--seeds", "1", "--out", mine, "--force"), "refusing to delete");
        Assert.True(File.Exists(Path.Combine(mine, "notes.txt")));
    }

    [Fact]
    public void BenchmarkRunsAtTheZooBudgetAndPrintsTheZooFigureBesideOurs()
    {
        string dir = Dir("bench");
        var r = Run("benchmark", "--envs", "CartPole-v1", "--algos", "npg", "--seeds", "1", "--eval-episodes", "2", "--out", dir, "--quiet");
        Assert.True(r.Code == 0, r.Err);
        var csv = File.ReadAllLines(Path.Combine(dir, "benchmark.csv"));
        Assert.Equal(2, csv.Length);
        Assert.StartsWith("CartPole-v1,npg,100000,1,1,475,", csv[1]);
        Assert.EndsWith(",100000,500,0", csv[1]);
        string md = File.ReadAllText(Path.Combine(dir, "benchmark.md"));
        Assert.Contains("DLR-RM/rl-baselines3-zoo", md);
        Assert.Contains("one training run", md);
        Assert.Contains("| CartPole-v1 (475) | 100,000 | npg | 1 |", md);
        Assert.True(File.Exists(Path.Combine(dir, "CartPole-v1", "npg", "s0", "eval_final.json")));

        r = Run("benchmark", "--resume", dir, "--quiet");
        Assert.True(r.Code == 0, r.Err);
        AssertUsageError(Run("benchmark", "--envs", "CartPole-v1", "--algos", "npg", "--seeds", "1", "--out", dir), "--force");
    }

    [Fact]
    public void CompareGivesIdenticalFilesWhateverTheJobCount()
    {
        string one = Dir("j1"), two = Dir("j2");
        Assert.Equal(0, Run("compare", "--env", "CartPole-v1", "--algos", "npg,trpo", "--seeds", "2", "--steps", "8000", "--out", one, "--jobs", "1", "--quiet").Code);
        Assert.Equal(0, Run("compare", "--env", "CartPole-v1", "--algos", "npg,trpo", "--seeds", "2", "--steps", "8000", "--out", two, "--jobs", "2", "--quiet").Code);
        foreach (var algo in new[] { "npg", "trpo" })
            foreach (var s in new[] { "s0", "s1" })
            {
                Assert.Equal(WithoutWall(Path.Combine(one, algo, s, "progress.csv")), WithoutWall(Path.Combine(two, algo, s, "progress.csv")));
                Assert.Equal(File.ReadAllText(Path.Combine(one, algo, s, "policy.json")), File.ReadAllText(Path.Combine(two, algo, s, "policy.json")));
            }
    }

    private static string[] WithoutWall(string path)
    {
        var lines = File.ReadAllLines(path);
        int wall = Array.IndexOf(lines[0].Split(','), "wall_seconds");
        return lines.Select(l => string.Join(',', l.Split(',').Where((_, k) => k != wall))).ToArray();
    }
}
