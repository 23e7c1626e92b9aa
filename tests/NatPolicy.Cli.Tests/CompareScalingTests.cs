using System.Text.RegularExpressions;

namespace NatPolicy.Cli.Tests;

/// <summary>
/// <c>natpolicy bench --compare</c>: the table's arithmetic, the children's CPU account, and one round of the built
/// tool (whole compare processes as children; the figures themselves depend on the machine, so only their shape and
/// range are checked).
/// </summary>
[Trait("Category", "Env")]
public sealed partial class CompareScalingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-bench-compare-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ARoundsRatiosAreWallOverWallAndCpuOverWall()
    {
        var r = new CompareRound(Cores: 1.9, Wall1: 6.0, Cpu1: 7.5, WallJ: 4.0, CpuJ: 7.0);
        Assert.Equal(1.5, r.Speedup);
        Assert.Equal(1.25, r.InUse1);
        Assert.Equal(1.75, r.InUseJ);
        Assert.Null((r with { Cpu1 = null }).InUse1);
        Assert.Equal("1         1.90×      6.00    1.25      4.00    1.75     1.50×", CompareScaling.Line("1", r));
        Assert.Equal("n/a", CompareScaling.Line("1", r with { CpuJ = null }).Split(' ', StringSplitOptions.RemoveEmptyEntries)[5]);
    }

    [Fact]
    public void TheMedianRowTakesTheMedianOfEachRoundsOwnRatio()
    {
        CompareRound[] rounds =
        [
            new(2.0, 6.0, 6.0, 4.0, 8.0),
            new(1.8, 9.0, 9.0, 3.0, 6.0),
            new(1.9, 5.0, 5.0, 5.0, 9.0),
        ];
        // Wall times: medians 6 and 4. Speed-ups 1.5, 3, 1: median 1.5. In use: 1, 1, 1 and 2, 2, 1.8.
        Assert.Equal("median    1.90×      6.00    1.00      4.00    2.00     1.50×", CompareScaling.MedianLine(rounds));
        Assert.Contains("n/a", CompareScaling.MedianLine([.. rounds, new(1.9, 5, null, 4, 6)]), StringComparison.Ordinal);
    }

    [Fact]
    public void ChildrensCpuSecondsGrowWithAChildsWork()
    {
        if (!OperatingSystem.IsLinux()) return;
        double before = CompareScaling.ChildrenCpuSeconds()!.Value;
        // A child that burns about 0.3 s of CPU (a shell loop), then exits and is waited for.
        var (code, _, err) = ChildProcess.Run("/bin/sh", _root, TimeSpan.FromMinutes(1), "-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done");
        Assert.True(code == 0, err);
        double after = CompareScaling.ChildrenCpuSeconds()!.Value;
        Assert.InRange(after - before, 0.05, 60);
    }

    [Fact]
    public void OneRoundOfTheBuiltToolPrintsTheTable()
    {
        Assert.True(File.Exists(Built.ToolDll), $"{Built.ToolDll} is not built");
        var (code, stdout, stderr) = ChildProcess.Run("dotnet", _root, TimeSpan.FromMinutes(5), Built.ToolDll, "bench", "--compare", "--rounds", "1");
        Assert.True(code == 0, stdout + stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("compare --env CartPole-v1: --jobs 2 against --jobs 1, 1 round ", lines[0]);
        Assert.Equal(CompareScaling.Header(2), lines[1]);
        var row = RowPattern().Match(lines[2]);
        Assert.True(row.Success, lines[2]);
        double Value(int group) => double.Parse(row.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(Value(1), 0.2, 64);      // the cores' reading
        Assert.InRange(Value(2), 0.5, 300);     // --jobs 1 wall seconds
        Assert.InRange(Value(3), 0.3, 64);      // cores in use by it
        Assert.InRange(Value(4), 0.5, 300);     // --jobs 2 wall seconds
        Assert.InRange(Value(5), 0.3, 64);
        Assert.Equal(Value(2) / Value(4), Value(6), 0.01 + 0.01 * Value(6));
        Assert.StartsWith("cores: ", lines[3]);
        // The comparisons went to a temporary folder that is gone; nothing was written beside the caller.
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
        string folder = lines[0][(lines[0].LastIndexOf("output in ", StringComparison.Ordinal) + "output in ".Length)..].TrimEnd(')', '\r');
        Assert.False(Directory.Exists(folder), folder);
    }

    [GeneratedRegex(@"^1\s+([0-9.]+)×\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)×$")]
    private static partial Regex RowPattern();
}
