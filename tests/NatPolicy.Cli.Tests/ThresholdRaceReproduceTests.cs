using System.Globalization;
using NatPolicy.Cli.Verbs;
using NatPolicy.Experiments.Reproductions;

namespace NatPolicy.Cli.Tests;

/// <summary>The kfac and nac reproductions on a tiny budget: CSV, figure and report are written and well-formed.</summary>
[Trait("Category", "Learning")]
public sealed class ThresholdRaceReproduceTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "natpolicy-repro-race-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void KfacWritesFiniteRace()
    {
        string outDir = Directory.CreateDirectory(Path.Combine(_dir, "kfac")).FullName;
        var lines = ReproduceVerb.KfacReport(outDir, new KfacCartPoleConfig(Seeds: 2, MaxSteps: 4_000, HiddenSizes: [8, 8], IncludeVpg: true));
        Check(outDir, "kfac", lines, arms: 3, "| npg K-FAC |");
    }

    [Fact]
    public void NacWritesFiniteRace()
    {
        string outDir = Directory.CreateDirectory(Path.Combine(_dir, "nac")).FullName;
        var lines = ReproduceVerb.NacReport(outDir, new NacCartPoleConfig(Seeds: 2, MaxSteps: 4_000));
        Check(outDir, "nac", lines, arms: 2, "| nac (eNAC) |");
    }

    [Fact]
    public void RaceStopsAtTheThresholdOrTheCap()
    {
        // A threshold of 0 is met by the first iteration; an unreachable one runs to the cap.
        var arm = NacCartPoleConfig.Arms()[1];
        var first = ThresholdRace.Train(arm.Label, arm.Config(0), threshold: 0, maxSteps: 10_000);
        Assert.Single(first.IterationSeconds);
        var capped = ThresholdRace.Train(arm.Label, arm.Config(0), threshold: 1e9, maxSteps: 4_000);
        Assert.Equal(4_000, capped.Curve.EnvSteps[^1]);
        Assert.True(double.IsPositiveInfinity(capped.Curve.StepsToThreshold(1e9)));
        Assert.All(capped.UpdateSeconds.Zip(capped.IterationSeconds), p => Assert.InRange(p.First, 0, p.Second));
    }

    private static void Check(string outDir, string name, IReadOnlyList<string> lines, int arms, string reportRow)
    {
        Assert.Equal(arms, lines.Count);
        foreach (var file in new[] { name + ".csv", name + ".png", name + ".svg", "report.md" })
        {
            var info = new FileInfo(Path.Combine(outDir, file));
            Assert.True(info.Exists && info.Length > 0, $"{file} missing or empty");
        }
        string[] csv = File.ReadAllLines(Path.Combine(outDir, name + ".csv"));
        Assert.Equal("arm,seed,iteration,env_steps,return_mean,iteration_seconds,update_seconds", csv[0]);
        Assert.True(csv.Length > arms * 2, "fewer rows than runs");
        foreach (var line in csv.Skip(1))
        {
            var cells = line.Split(',');
            Assert.Equal(7, cells.Length);
            foreach (var cell in cells.Skip(1))
                Assert.True(double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v >= 0, line);
        }
        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("Paper", report, StringComparison.Ordinal);
        Assert.Contains(reportRow, report, StringComparison.Ordinal);
    }
}
