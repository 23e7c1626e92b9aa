using System.Globalization;
using System.Text.Json.Nodes;
using NatPolicy.Experiments.Curves;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Tests;

/// <summary>
/// Evaluation during training through the verbs (evaluate reproduces eval.csv's best row from best_policy.json), and
/// plot's column, smoothing, seed and diagnostics views on a run and on a comparison, each SVG at most 200 KB.
/// </summary>
[Trait("Category", "Env")]
public sealed class EvalAndPlotVerbTests : IClassFixture<EvalAndPlotVerbTests.Folders>
{
    private const long MaxSvgBytes = 150_000;

    /// <summary>One trained run and one comparison with eval_every, shared by the tests of this class.</summary>
    public sealed class Folders : IDisposable
    {
        public string Root { get; } = Directory.CreateTempSubdirectory("natpolicy-evalplot-").FullName;
        public string Run => Path.Combine(Root, "run");
        public string Comparison => Path.Combine(Root, "cmp");

        public Folders()
        {
            var t = InProcess.Natpolicy("train", "--env", "CartPole-v1", "--algo", "npg", "--seed", "2", "--steps", "8000", "--batch", "1000",
                "--set", "eval_every=1", "--set", "eval_episodes=5", "--out", Run, "--quiet");
            Assert.True(t.Code == 0, t.Err);
            var c = InProcess.Natpolicy("compare", "--env", "CartPole-v1", "--algos", "vpg,npg", "--seeds", "2", "--steps", "4000", "--batch", "1000",
                "--set", "eval_every=2", "--set", "eval_episodes=2", "--eval-episodes", "2", "--jobs", "1", "--out", Comparison, "--quiet");
            Assert.True(c.Code == 0, c.Err);
        }

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }

    private readonly Folders _f;

    public EvalAndPlotVerbTests(Folders folders) => _f = folders;

    [Fact]
    public void EvaluateOfBestPolicyReproducesTheBestEvalRow()
    {
        var rows = File.ReadAllLines(Path.Combine(_f.Run, RunFolder.EvalFile)).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(8, rows.Length);
        var best = rows.OrderByDescending(r => double.Parse(r[4], CultureInfo.InvariantCulture)).First();
        var e = InProcess.Natpolicy("evaluate", "--policy", Path.Combine(_f.Run, RunFolder.BestPolicyFile), "--first-seed", best[3],
            "--episodes", best[2], "--deterministic", "--json");
        Assert.True(e.Code == 0, e.Err);
        var json = JsonNode.Parse(e.Out)!;
        Assert.Equal(double.Parse(best[4], CultureInfo.InvariantCulture), json["return_mean"]!.GetValue<double>());
        Assert.Equal(ulong.Parse(best[3], CultureInfo.InvariantCulture), json["per_episode"]![0]!["seed"]!.GetValue<ulong>());
    }

    [Theory]
    [InlineData("run")]
    [InlineData("cmp")]
    public void PlotOfAColumnSmoothedAgainstIterationsWritesASmallSvg(string which)
    {
        string dir = Path.Combine(_f.Root, which), output = Path.Combine(_f.Root, which + "-kl");
        var r = InProcess.Natpolicy("plot", dir, "--y", "kl", "--x", "iteration", "--smooth", "5", "--seeds", "--out", output + ".svg");
        Assert.True(r.Code == 0, r.Err);
        AssertSmallSvg(output + ".svg");
        Assert.Contains("kl vs iteration, trailing mean of 5 rows", File.ReadAllText(output + ".svg").Replace("&#x20;", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("cmp")]
    public void DiagnosticsSheetIsWrittenForARunAndAComparison(string which)
    {
        string dir = Path.Combine(_f.Root, which);
        var r = InProcess.Natpolicy("plot", dir, "--diagnostics", "--smooth", "3");
        Assert.True(r.Code == 0, r.Err);
        AssertSmallSvg(Path.Combine(dir, "diagnostics.svg"));
        var sheet = ColumnFigures.Diagnostics([dir], new PlotRequest(Smooth: 3));
        Assert.Equal(ColumnFigures.DiagnosticColumns, sheet.Panels.Select(p => p.YTitle));
        // The return panel carries the training curve and the dashed evaluation curve of every group.
        int groups = which == "run" ? 1 : 2;
        Assert.Equal(groups, sheet.Panels[0].Series.Count(s => s.Dashed && s.Label is not null));
        Assert.Equal(groups, sheet.Panels[1].Series.Count(s => s.Label is not null));
        Assert.Equal(Plotting.LegendPlacement.OutsideBottom, sheet.Panels[0].Legend);
        Assert.All(sheet.Panels.Skip(1), p => Assert.Equal(Plotting.LegendPlacement.None, p.Legend));
    }

    [Fact]
    public void SeedsAddsAThinUnlabelledLinePerSeedUnderTheMean()
    {
        var without = ColumnFigures.Panel([_f.Comparison], new PlotRequest("entropy", "env_steps"));
        var with = ColumnFigures.Panel([_f.Comparison], new PlotRequest("entropy", "env_steps", Seeds: true));
        Assert.Equal(2, without.Series.Count);
        Assert.Equal(2 + 4, with.Series.Count);
        Assert.Equal(4, with.Series.Count(s => s.Label is null && s.Thickness < 1));
        // The smoothed mean is the mean of the smoothed seeds.
        var smoothed = ColumnFigures.Panel([_f.Comparison], new PlotRequest("entropy", "iteration", Smooth: 2));
        var seeds = Directory.GetDirectories(Path.Combine(_f.Comparison, "npg")).Order(StringComparer.Ordinal)
            .Select(d => ColumnSeries.Read(d, "entropy", "iteration").Smoothed(2)).ToArray();
        var npg = smoothed.Series.Single(s => s.Label!.StartsWith("npg", StringComparison.Ordinal));
        Assert.Equal((seeds[0].Ys[1] + seeds[1].Ys[1]) / 2, npg.Y[1], 12);
    }

    [Fact]
    public void PlotShowsTheEvalCurveOnTheDefaultFigures()
    {
        var r = InProcess.Natpolicy("plot", _f.Comparison, "--out", Path.Combine(_f.Root, "default-cmp.svg"));
        Assert.True(r.Code == 0, r.Err);
        AssertSmallSvg(Path.Combine(_f.Root, "default-cmp.svg"));
        string svg = File.ReadAllText(Path.Combine(_f.Comparison, "learning_curves.svg"));
        Assert.Contains("eval", svg.Replace("&#x20;", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        var e = InProcess.Natpolicy("plot", _f.Run, "--y", "eval_return_mean", "--x", "wall_seconds", "--out", Path.Combine(_f.Root, "eval-wall"));
        Assert.True(e.Code == 0, e.Err);
    }

    [Theory]
    [InlineData("--y 'bogus' is not a column; allowed: iteration, env_steps,", "--y", "bogus")]
    [InlineData("--x 'episodes' is not allowed; allowed: env_steps, iteration, wall_seconds", "--x", "episodes")]
    [InlineData("--smooth must be at least 1 (got 0)", "--smooth", "0")]
    public void BadPlotOptionsAreOneLineAndWriteNothing(string message, params string[] options)
    {
        string output = Path.Combine(_f.Root, "bad-" + Guid.NewGuid().ToString("N"));
        var r = InProcess.Natpolicy(["plot", _f.Run, "--out", output, .. options]);
        Assert.Equal(2, r.Code);
        string line = r.Err.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', line);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.False(File.Exists(output + ".svg"));
    }

    private static void AssertSmallSvg(string path)
    {
        long size = new FileInfo(path).Length;
        Assert.True(size is > 1_000 and <= MaxSvgBytes, $"{path} is {size} bytes");
    }
}
