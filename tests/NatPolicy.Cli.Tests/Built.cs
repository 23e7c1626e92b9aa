namespace NatPolicy.Cli.Tests;

/// <summary>What the solution's build wrote, in the configuration this test assembly was built in (its bin/&lt;Configuration&gt;/net10.0/).</summary>
internal static class Built
{
    /// <summary>Debug or Release: the configuration of this test assembly, so child processes and packing use the same build.</summary>
    public static string Configuration =>
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>The natpolicy tool's app host.</summary>
    public static string Tool => Path.Combine(Output("src", "NatPolicy.Tool"), "natpolicy");

    /// <summary>The natpolicy tool's assembly (run as <c>dotnet natpolicy.dll</c>).</summary>
    public static string ToolDll => Path.Combine(Output("src", "NatPolicy.Tool"), "natpolicy.dll");

    /// <summary>The example program's assembly.</summary>
    public static string ExampleDll => Path.Combine(Output("examples", "NatPolicy.Examples"), "NatPolicy.Examples.dll");

    private static string Output(string folder, string project) => Path.Combine(RepoPaths.Root, folder, project, "bin", Configuration, "net10.0");
}
