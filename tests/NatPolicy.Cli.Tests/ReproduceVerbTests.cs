using NatPolicy.Cli.Verbs;

namespace NatPolicy.Cli.Tests;

[Trait("Category", "Math")]
public sealed class ReproduceVerbTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "natpolicy-repro-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("kakade-twostate")]
    [InlineData("kakade-lqr")]
    [InlineData("empirical-fisher")]
    public void WritesCsvFigureAndReport(string name)
    {
        string outDir = Path.Combine(_dir, name);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Cli.Run(["reproduce", name, "--out", outDir], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        foreach (var file in new[] { name + ".csv", name + ".png", name + ".svg", "report.md" })
        {
            var info = new FileInfo(Path.Combine(outDir, file));
            Assert.True(info.Exists && info.Length > 0, $"{file} missing or empty");
        }
        string[] csv = File.ReadAllLines(Path.Combine(outDir, name + ".csv"));
        Assert.True(csv.Length > 10);
        int columns = csv[0].Split(',').Length;
        Assert.All(csv, line => Assert.Equal(columns, line.Split(',').Length));
        Assert.Contains("paper", File.ReadAllText(Path.Combine(outDir, "report.md")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void UnknownNameExitsTwoAndListsTheNames()
    {
        var stderr = new StringWriter();
        int code = Cli.Run(["reproduce", "no-such-paper", "--out", _dir], new StringWriter(), stderr);
        Assert.Equal(2, code);
        foreach (var r in ReproduceVerb.Reproductions) Assert.Contains(r.Name, stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, Cli.Run(["reproduce"], new StringWriter(), new StringWriter()));
        Assert.Equal(2, Cli.Run(["reproduce", "kakade-lqr", "--bogus", "1"], new StringWriter(), new StringWriter()));
    }
}
