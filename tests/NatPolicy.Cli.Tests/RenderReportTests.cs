using System.Text.RegularExpressions;
using NatPolicy.Core;
using NatPolicy.Envs;
using NatPolicy.Envs.Wrappers;
using NatPolicy.Experiments.Rendering;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Tests;

/// <summary>A small CartPole comparison (vpg and npg, 2 seeds, 3,000 steps) written once for the render, report and browser tests.</summary>
public sealed class SmallComparison : IDisposable
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "natpolicy-report-" + Guid.NewGuid().ToString("N"));

    public SmallComparison()
    {
        var r = InProcess.Natpolicy("compare", "--env", "CartPole-v1", "--algos", "vpg,npg", "--seeds", "2", "--steps", "3000",
            "--eval-episodes", "2", "--jobs", "2", "--quiet", "--out", Dir);
        if (r.Code != 0) throw new InvalidOperationException($"compare failed ({r.Code}): {r.Err}");
    }

    /// <summary>The comparison's cells, as run folders.</summary>
    public static IReadOnlyList<string> Runs { get; } = ["vpg/s0", "vpg/s1", "npg/s0", "npg/s1"];

    public void Dispose()
    {
        if (Directory.Exists(Dir)) Directory.Delete(Dir, recursive: true);
    }
}

[Trait("Category", "Cli")]
public sealed class RenderReportTests(SmallComparison comparison) : IClassFixture<SmallComparison>, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "natpolicy-render-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The bare CartPole state θ in which each action was taken, from an independent deterministic roll-out.</summary>
    private static List<double[]> RollOut(string policyPath, ulong seed)
    {
        var (policy, normalizer) = PolicyFile.Load(policyPath).Build();
        var env = EnvRegistry.Make("CartPole-v1");
        var bare = (IStatefulEnv)((EnvWrapper)env).Unwrapped;
        var states = new List<double[]>();
        var input = new double[4];
        var action = new double[1];
        var obs = env.Reset(seed);
        while (true)
        {
            states.Add(bare.State.ToArray());
            if (normalizer is null) obs.Span.CopyTo(input);
            else normalizer.Normalize(obs.Span, input);
            policy.MeanAction(input, action);
            var step = env.Step(action);
            if (step.Done) return states;
            obs = step.Observation;
        }
    }

    [Theory]
    [InlineData("npg/s0", 3UL)]
    [InlineData("vpg/s1", 11UL)]
    public void RenderedCartPoleFramesFollowTheRecordedStates(string run, ulong seed)
    {
        string svgPath = Path.Combine(_dir, "episode.svg");
        var r = InProcess.Natpolicy("render", "--policy", Path.Combine(comparison.Dir, run), "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", svgPath);
        Assert.True(r.Code == 0, r.Err);
        string svg = File.ReadAllText(svgPath);
        var states = RollOut(Path.Combine(comparison.Dir, run, RunFolder.PolicyFile), seed);

        double[] degrees = SvgAnimation.ReadRotation(svg, "pole");
        var cart = SvgAnimation.ReadTranslation(svg, "cart");
        Assert.Equal(states.Count, degrees.Length);
        Assert.Equal(states.Count, cart.Length);
        Assert.Contains($"{states.Count} steps", r.Out, StringComparison.Ordinal);
        for (int k = 0; k < states.Count; k++)
        {
            // Angles are written to 0.001°, positions to 0.01 px (cartpole.py: 125 px per metre, centre at 300 px).
            Assert.True(Math.Abs(degrees[k] * Math.PI / 180 - states[k][2]) <= 1e-5, $"frame {k}: pole {degrees[k]}° vs θ = {states[k][2]}");
            Assert.True(Math.Abs(cart[k].X - (states[k][0] * 125 + 300)) <= 0.006, $"frame {k}: cart at {cart[k].X} px vs x = {states[k][0]}");
        }
        // One discrete timeline at CartPole's 50 fps, no script, no external reference.
        Assert.Contains($"dur=\"{(states.Count / 50.0).ToString(System.Globalization.CultureInfo.InvariantCulture)}s\"", svg, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(svg, "calcMode=\"discrete\""));
        Assert.DoesNotContain("<script", svg, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(svg, "https?://"));
        Assert.True(svg.Length < 40_000, $"{svg.Length} bytes");
    }

    [Fact]
    public void FramesAreOnePngPerStepShowingThePole()
    {
        string frames = Path.Combine(_dir, "frames");
        var r = InProcess.Natpolicy("render", "--policy", Path.Combine(comparison.Dir, "vpg/s0"), "--seed", "5", "--frames", frames);
        Assert.True(r.Code == 0, r.Err);
        int steps = RollOut(Path.Combine(comparison.Dir, "vpg/s0", RunFolder.PolicyFile), 5).Count;
        var files = Directory.GetFiles(frames).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Enumerable.Range(0, steps).Select(NatPolicy.Cli.Plotting.SceneFrames.FileName), files);
        using var first = SkiaSharp.SKBitmap.Decode(Path.Combine(frames, files[0]));
        Assert.Equal((600, 400), (first.Width, first.Height));
        // The pole's colour just above the axle (cart at 125·x + 300 px, axle 107.5 px above the bottom).
        var s0 = RollOut(Path.Combine(comparison.Dir, "vpg/s0", RunFolder.PolicyFile), 5)[0];
        Assert.Equal(new SkiaSharp.SKColor(0xca, 0x98, 0x65), first.GetPixel((int)Math.Round(s0[0] * 125 + 300), 400 - 107 - 30));
    }

    [Fact]
    public void RenderRefusesWhatItCannotDraw()
    {
        var wrongEnv = InProcess.Natpolicy("render", "--policy", Path.Combine(comparison.Dir, "npg/s0"), "--env", "Pendulum-v1", "--out", Path.Combine(_dir, "x.svg"));
        Assert.Equal(2, wrongEnv.Code);
        Assert.Contains("does not fit Pendulum-v1", wrongEnv.Err, StringComparison.Ordinal);
        var png = InProcess.Natpolicy("render", "--policy", Path.Combine(comparison.Dir, "npg/s0"), "--out", Path.Combine(_dir, "x.png"));
        Assert.Equal(2, png.Code);
        Assert.False(Directory.Exists(_dir));
    }

    [Fact]
    public void ComparisonReportIsSelfContainedWithEveryPart()
    {
        var r = InProcess.Natpolicy("report", comparison.Dir);
        Assert.True(r.Code == 0, r.Err);
        string html = File.ReadAllText(Path.Combine(comparison.Dir, "report.html"));
        Assert.DoesNotMatch("https?://|<script|<link|\\bsrc=|@import", html);
        // The learning curves and one episode per cell; summary.csv and cells.csv.
        Assert.Single(Regex.Matches(html, "<figure class=\"plot\">"));
        Assert.Equal(SmallComparison.Runs.Count, Regex.Count(html, "<figure class=\"episode\">"));
        Assert.Equal(2, Regex.Count(html, "<table class=\"data\">"));
        foreach (var run in SmallComparison.Runs) Assert.Contains($"{run}: return", html, StringComparison.Ordinal);
        Assert.Contains("<summary>comparison.json</summary>", html, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(comparison.Dir, "*.tmp*"));
    }

    [Fact]
    public void BenchmarkReportShowsEachEnvsComparisonWithTheFirstSeedOfEachAlgo()
    {
        string env = Path.Combine(_dir, "CartPole-v1");
        foreach (var file in Directory.GetFiles(comparison.Dir, "*", SearchOption.AllDirectories))
        {
            string to = Path.Combine(env, Path.GetRelativePath(comparison.Dir, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        File.Delete(Path.Combine(env, "report.html"));
        File.WriteAllText(Path.Combine(_dir, "benchmark.json"), "{}");
        File.WriteAllText(Path.Combine(_dir, "benchmark.csv"), "env_id,algo,eval_return_mean\nCartPole-v1,vpg,12.5\nCartPole-v1,npg,30\n");
        var r = InProcess.Natpolicy("report", _dir);
        Assert.True(r.Code == 0, r.Err);
        string html = File.ReadAllText(Path.Combine(_dir, "report.html"));
        Assert.Single(Regex.Matches(html, "<figure class=\"plot\">"));
        Assert.Equal(["npg/s0", "vpg/s0"], Regex.Matches(html, "<figcaption>([a-z]+/s[0-9]+): return").Select(m => m.Groups[1].Value));
        Assert.Equal(3, Regex.Count(html, "<table class=\"data\">"));
        Assert.Contains("<summary>benchmark.json</summary>", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("https?://", html);
    }

    [Fact]
    public void RunAndSweepReportsAndBadFolders()
    {
        string run = Path.Combine(comparison.Dir, "npg", "s1");
        Assert.Equal(0, InProcess.Natpolicy("report", run).Code);
        string html = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Single(Regex.Matches(html, "<figure class=\"episode\">"));
        Assert.Contains("<summary>config.json</summary>", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("https?://", html);

        // A sweep folder (sweep.json) shows its CSV tables and the comparisons under it.
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "sweep.json"), "{\"grid\": {\"delta\": [0.01, 0.02]}}");
        File.WriteAllText(Path.Combine(_dir, "trials.csv"), "trial,delta,score\n0,0.01,\"1,5\"\n1,0.02,2.5\n");
        Assert.Equal(0, InProcess.Natpolicy("report", _dir).Code);
        string sweep = File.ReadAllText(Path.Combine(_dir, "report.html"));
        Assert.Contains("<td>1,5</td>", sweep, StringComparison.Ordinal);
        Assert.Contains("<summary>sweep.json</summary>", sweep, StringComparison.Ordinal);

        string empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);
        var bad = InProcess.Natpolicy("report", empty);
        Assert.Equal(2, bad.Code);
        Assert.Contains("holds no run", bad.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(empty, "report.html")));
    }
}
