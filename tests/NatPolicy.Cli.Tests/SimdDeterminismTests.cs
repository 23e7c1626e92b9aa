namespace NatPolicy.Cli.Tests;

/// <summary>
/// One seed fixes a run on any CPU: the built natpolicy tool, run as a child process under each SIMD setting of the
/// .NET runtime (Vector&lt;T&gt; of 128, 256 or 512 bits, or hardware intrinsics off), writes byte-identical
/// policy.json and progress.csv (apart from the wall_seconds column) for short linear, random-Fourier and MLP
/// trainings (each with the default MLP critic).
/// </summary>
[Trait("Category", "Determinism")]
public sealed class SimdDeterminismTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-simd-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The four runtime settings: name → environment variables of the child.</summary>
    private static readonly (string Name, Dictionary<string, string> Environment)[] Settings =
    [
        ("vector128", new() { ["DOTNET_MaxVectorTBitWidth"] = "128" }),
        ("vector256", new() { ["DOTNET_MaxVectorTBitWidth"] = "256" }),
        ("vector512", new() { ["DOTNET_MaxVectorTBitWidth"] = "512" }),
        ("scalar", new() { ["DOTNET_EnableHWIntrinsic"] = "0" }),
    ];

    [Theory]
    [InlineData("linear", "CartPole-v1", "npg", "policy.kind=linear")]
    [InlineData("rff", "Pendulum-v1", "trpo", "policy.kind=rff")]
    [InlineData("mlp", "CartPole-v1", "trpo", "policy.kind=mlp")]
    public void Every_simd_width_gives_the_same_bits(string name, string env, string algo, string policy)
    {
        Assert.True(File.Exists(Built.ToolDll), $"{Built.ToolDll} is not built");
        var outputs = new List<(string Setting, string Progress, string Policy)>();
        foreach (var (setting, environment) in Settings)
        {
            string run = Path.Combine(_root, $"{name}-{setting}");
            var (code, stdout, stderr) = ChildProcess.Run("dotnet", _root, TimeSpan.FromMinutes(3), environment,
                Built.ToolDll, "train", "--env", env, "--algo", algo, "--seed", "7", "--steps", "3000", "--batch", "1000",
                "--set", policy, "--out", run, "--quiet");
            Assert.True(code == 0, $"{setting}: {stdout}{stderr}");
            outputs.Add((setting, WithoutWallClock(File.ReadAllLines(Path.Combine(run, "progress.csv"))),
                File.ReadAllText(Path.Combine(run, "policy.json"))));
        }
        Assert.Equal(4, outputs[0].Progress.Split('\n').Length); // header + 3 iterations
        foreach (var (setting, progress, policyJson) in outputs.Skip(1))
        {
            Assert.True(outputs[0].Progress == progress, $"progress.csv differs between {outputs[0].Setting} and {setting}");
            Assert.True(outputs[0].Policy == policyJson, $"policy.json differs between {outputs[0].Setting} and {setting}");
        }
    }

    /// <summary>The CSV lines with the wall_seconds column removed, joined by '\n'.</summary>
    private static string WithoutWallClock(string[] lines)
    {
        int column = Array.IndexOf(lines[0].Split(','), "wall_seconds");
        Assert.True(column >= 0, lines[0]);
        return string.Join('\n', lines.Select(line => string.Join(',', line.Split(',').Where((_, k) => k != column))));
    }
}
