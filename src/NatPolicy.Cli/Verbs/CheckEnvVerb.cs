using NatPolicy.Envs;

namespace NatPolicy.Cli.Verbs;

/// <summary>
/// <c>natpolicy checkenv ID</c>: runs <see cref="EnvChecker"/> on a registered env (built-in or registered by the
/// program hosting the verbs) and prints one line per check. Exit 0 when no check failed, 1 when one did, 2 for an
/// unknown id or bad flags.
/// </summary>
public static class CheckEnvVerb
{
    public const string Name = "checkenv";

    public const string Usage = "checkenv ID [--seed N] [--episodes 3]";

    public const string Summary = "check an environment's contract (spaces, seeding, step rules, snapshots): natpolicy " + Usage;

    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr)
    {
        var a = new Args(Name, argv, ["seed", "episodes"], ["help"]);
        if (a.Has("help"))
        {
            stdout.WriteLine("usage: natpolicy " + Usage);
            stdout.WriteLine("  Checks spaces, reset seeding, observations in the space, the step contract, Step before Reset and after");
            stdout.WriteLine("  the end, invalid actions, snapshots and state access. Exit 0: no check failed; 1: a check failed; 2: bad input.");
            return 0;
        }
        a.RequirePositional(1, 1, "one environment id");
        string id = a.Positional[0];
        ConfigResolver.CheckEnv(id);
        long seed = a.Long("seed", min: 0) ?? 0;
        int episodes = a.Int("episodes", min: 1) ?? 3;

        var findings = EnvChecker.Check(id, (ulong)seed, episodes);
        foreach (var f in findings)
            stdout.WriteLine($"{Label(f.Outcome)} {f.Check,-18} {f.Detail}");
        int failed = findings.Count(f => f.Outcome == CheckOutcome.Fail);
        stdout.WriteLine(failed == 0
            ? $"verdict: OK: {id} passed {findings.Count(f => f.Outcome == CheckOutcome.Pass)} checks ({findings.Count(f => f.Outcome == CheckOutcome.Warn)} warnings, {findings.Count(f => f.Outcome == CheckOutcome.Skip)} skipped)"
            : $"verdict: FAIL: {failed} of {findings.Count} checks failed for {id}");
        return failed == 0 ? 0 : 1;
    }

    private static string Label(CheckOutcome o) => o switch
    {
        CheckOutcome.Pass => "OK  ",
        CheckOutcome.Warn => "WARN",
        CheckOutcome.Skip => "SKIP",
        _ => "FAIL",
    };
}
