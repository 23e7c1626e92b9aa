using NatPolicy.Cli.Verbs;

namespace NatPolicy.Cli.Tests;

[Trait("Category", "Learning")]
public sealed class InvarianceReproduceTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "natpolicy-repro-inv-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("invariance", "| npg-exact |")]
    [InlineData("empirical-fisher-cartpole", "| empirical |")]
    public void WritesCsvFigureAndReport(string name, string reportRow)
    {
        Assert.Contains(ReproduceVerb.Reproductions, r => r.Name == name);
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
        Assert.True(csv.Length > 100);
        int columns = csv[0].Split(',').Length;
        Assert.All(csv, line => Assert.Equal(columns, line.Split(',').Length));
        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("Paper", report, StringComparison.Ordinal);
        Assert.Contains(reportRow, report, StringComparison.Ordinal);
    }
}
