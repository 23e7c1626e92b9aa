using System.Diagnostics;

namespace NatPolicy.Cli.Tests;

/// <summary>Runs a program to completion as the user would, for the tests of what ships (the tool, the example).</summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/> in <paramref name="workingDirectory"/>; a run longer than <paramref name="limit"/> is killed and fails the test.</summary>
    public static (int Code, string Out, string Err) Run(string program, string workingDirectory, TimeSpan limit, params string[] args) =>
        Run(program, workingDirectory, limit, new Dictionary<string, string>(), args);

    /// <summary>As above, with <paramref name="environment"/> added to the child's environment variables.</summary>
    public static (int Code, string Out, string Err) Run(string program, string workingDirectory, TimeSpan limit,
        IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not finish in {limit}");
        }
        return (process.ExitCode, stdout, stderr.Result);
    }
}
