using System.CommandLine;
using NatPolicy.Envs;
using NatPolicy.Experiments.Configuration;

namespace NatPolicy.Cli.Verbs;

/// <summary>
/// <c>natpolicy checkenv ID</c>: runs <see cref="EnvChecker"/> on a registered env (built-in or registered by the
/// program hosting the verbs) and prints one line per check. Exit 0 when no check failed, 1 when one did, 2 for an
/// unknown id or bad flags.
/// </summary>
public static class CheckEnvVerb
{
    /// <summary>The <c>checkenv</c> command.</summary>
    public static Command Build(TextWriter stdout)
    {
        var id = new Argument<string>("ID") { HelpName = "ID", Description = "A registered env id (built-in, or registered by the program hosting the verbs).", Arity = ArgumentArity.ZeroOrOne };
        id.CompletionSources.Add(ConfigOptions.Envs.ToArray());
        var seed = Options.Long("--seed", "N", "Seed of the first reset. [default: 0]", 0, "must be ≥ 0");
        var episodes = Options.Int("--episodes", "N", "Episodes of random actions for the step checks.", 3, 1);
        var command = new Command("checkenv", "Check an environment's contract, in the spirit of Gymnasium's check_env: spaces, reset seeding, "
            + "observations in the space, the step contract, Step before Reset and after the end, invalid actions, snapshots and state access. "
            + "Exit 0: no check failed; 1: a check failed; 2: bad input.");
        command.Arguments.Add(id);
        command.Options.Add(seed);
        command.Options.Add(episodes);
        command.SetAction(p =>
        {
            string env = p.GetValue(id) ?? throw new UsageException($"an environment id is required; valid ids: {string.Join(", ", EnvRegistry.Ids)}");
            ConfigResolver.CheckEnv(env);
            var findings = EnvChecker.Check(env, (ulong)(p.GetValue(seed) ?? 0), p.GetValue(episodes)!.Value);
            foreach (var f in findings)
                stdout.WriteLine($"{Label(f.Outcome)} {f.Check,-18} {f.Detail}");
            int failed = findings.Count(f => f.Outcome == CheckOutcome.Fail);
            stdout.WriteLine(failed == 0
                ? $"verdict: OK: {env} passed {findings.Count(f => f.Outcome == CheckOutcome.Pass)} checks ({findings.Count(f => f.Outcome == CheckOutcome.Warn)} warnings, {findings.Count(f => f.Outcome == CheckOutcome.Skip)} skipped)"
                : $"verdict: FAIL: {failed} of {findings.Count} checks failed for {env}");
            return failed == 0 ? 0 : 1;
        });
        return command;
    }

    private static string Label(CheckOutcome o) => o switch
    {
        CheckOutcome.Pass => "OK  ",
        CheckOutcome.Warn => "WARN",
        CheckOutcome.Skip => "SKIP",
        _ => "FAIL",
    };
}
