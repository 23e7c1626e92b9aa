using System.IO.Compression;
using System.Xml.Linq;

namespace NatPolicy.Cli.Tests;

/// <summary>
/// The packages as a user gets them: <c>dotnet pack</c> of the solution (from the build the test run already made)
/// gives exactly the four libraries, the verbs library NatPolicy.Cli and the <c>natpolicy</c> tool, each with real metadata; the tool installs with
/// <c>dotnet tool install --tool-path</c> and the installed <c>natpolicy</c> prints its version and trains.
/// </summary>
[Trait("Category", "Package")]
public sealed class PackageTests : IDisposable
{
    private static readonly string[] Expected = ["NatPolicy.Agents", "NatPolicy.Cli", "NatPolicy.Core", "NatPolicy.Envs", "NatPolicy.Experiments", "natpolicy"];

    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-pack-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Pack_gives_the_libraries_and_the_tool_which_installs_prints_its_version_and_trains()
    {
        string packages = Path.Combine(_root, "packages");
        Dotnet(RepoPaths.Root, "pack", "NatPolicy.sln", "-c", Built.Configuration, "--no-build", "-o", packages);

        string version = Cli.Version;
        var files = Directory.GetFiles(packages, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Expected.Select(id => $"{id}.{version}.nupkg").Order(StringComparer.Ordinal), files);
        foreach (var id in Expected)
        {
            var nuspec = ReadNuspec(Path.Combine(packages, $"{id}.{version}.nupkg"));
            Assert.Equal(id, Meta(nuspec, "id"));
            Assert.Equal(version, Meta(nuspec, "version"));
            Assert.Equal("MIT", Meta(nuspec, "license"));
            Assert.Equal("README.md", Meta(nuspec, "readme"));
            Assert.NotEqual("Package Description", Meta(nuspec, "description"));
            Assert.True(Meta(nuspec, "description").Length > 40, $"{id}: description '{Meta(nuspec, "description")}'");
        }

        string tools = Path.Combine(_root, "tools");
        Dotnet(_root, "tool", "install", "natpolicy", "--tool-path", tools, "--add-source", packages, "--version", version);
        string natpolicy = Path.Combine(tools, OperatingSystem.IsWindows() ? "natpolicy.exe" : "natpolicy");

        Assert.Equal(version, Exec(natpolicy, _root, "--version").Trim());

        string run = Path.Combine(_root, "run");
        Exec(natpolicy, _root, "train", "--env", "CartPole-v1", "--algo", "npg", "--seed", "1", "--steps", "4000", "--out", run, "--quiet");
        var rows = File.ReadAllLines(Path.Combine(run, "progress.csv"));
        Assert.Equal(3, rows.Length); // header + 2 iterations of 2000 steps
        Assert.True(File.Exists(Path.Combine(run, "policy.json")));
    }

    private static XElement ReadNuspec(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!;
    }

    private static string Meta(XElement nuspec, string name) =>
        nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value ?? "";

    private static void Dotnet(string workingDirectory, params string[] args) => Exec("dotnet", workingDirectory, args);

    /// <summary>Runs a program to completion (10 minutes at most); a non-zero exit fails the test with its output.</summary>
    private static string Exec(string program, string workingDirectory, params string[] args)
    {
        var (code, stdout, stderr) = ChildProcess.Run(program, workingDirectory, TimeSpan.FromMinutes(10), args);
        Assert.True(code == 0, $"{program} {string.Join(' ', args)} exited {code}\n{stdout}\n{stderr}");
        return stdout;
    }
}
