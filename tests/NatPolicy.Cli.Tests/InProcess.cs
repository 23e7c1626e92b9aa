namespace NatPolicy.Cli.Tests;

/// <summary>Runs the natpolicy program in this process, capturing what it writes.</summary>
internal static class InProcess
{
    /// <summary><see cref="Cli.Run"/> with <paramref name="args"/>: the exit code, stdout and stderr.</summary>
    public static (int Code, string Out, string Err) Natpolicy(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
