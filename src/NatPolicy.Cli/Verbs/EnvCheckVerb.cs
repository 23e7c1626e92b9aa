using System.CommandLine;
using NatPolicy.Core;
using NatPolicy.Envs.Reference;

namespace NatPolicy.Cli;

/// <summary>
/// <c>natpolicy envcheck FILE.json [FILE.json ...]</c>: replays Gymnasium reference trajectories against our envs.
/// One line per file and a verdict; exit 0 when every step of every file matches bit for bit, 1 on any mismatch,
/// 2 for no files or a missing/malformed file.
/// </summary>
public static class EnvCheckVerb
{
    public const string Name = "envcheck";

    public const string Summary = "Replay Gymnasium reference trajectories and compare bit for bit";

    /// <summary>The <c>envcheck</c> command.</summary>
    public static Command Build(TextWriter stdout)
    {
        var filesArgument = new Argument<string[]>("FILE.json")
        {
            Description = "Reference recordings (data/gymnasium-reference/*.json): each is replayed (SetState(initial_state), recorded actions, TimeLimit rule). Exit 0: all exact; 1: a mismatch; 2: bad input.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command(Name, Summary);
        command.Arguments.Add(filesArgument);
        command.SetAction(p => Run(p.GetValue(filesArgument) ?? [], stdout));
        return command;
    }

    public static int Run(IReadOnlyList<string> paths, TextWriter stdout)
    {
        if (paths.Count == 0)
            throw new UsageException("no reference files given; usage: natpolicy envcheck FILE.json [FILE.json ...]");

        var files = new List<ReferenceFile>();
        foreach (string path in paths)
        {
            try
            {
                files.Add(ReferenceFile.Load(path));
            }
            catch (ReferenceFormatException e)
            {
                throw new UsageException(e.Message);
            }
        }

        int exact = 0;
        foreach (var file in files)
        {
            ReplayReport r;
            try
            {
                r = ReferenceReplayer.Replay(file);
            }
            catch (ReferenceFormatException e)
            {
                throw new UsageException(e.Message);
            }
            if (r.Exact) exact++;
            stdout.WriteLine(FormatLine(r));
        }
        bool ok = exact == files.Count;
        stdout.WriteLine(ok
            ? $"verdict: EXACT: all {files.Count} file(s) match bit for bit"
            : $"verdict: MISMATCH: {files.Count - exact} of {files.Count} file(s) differ");
        return ok ? 0 : 1;
    }

    public static string FormatLine(ReplayReport r)
    {
        string post = r.PostTerminalSteps > 0 ? $" (+{r.PostTerminalSteps} post-terminal)" : "";
        string init = r.InitialObsUlpTolerance > 0
            ? $"  init_obs {r.MaxInitialObsUlps} ulp (≤{r.InitialObsUlpTolerance} allowed)"
            : r.MaxInitialObsUlps > 0 ? $"  init_obs {r.MaxInitialObsUlps} ulp" : "";
        return $"{(r.Exact ? "OK  " : "FAIL")} {r.EnvId,-25} episodes {r.Episodes,3}  steps {r.Steps,6}{post}  "
            + $"max|Δobs| {Fmt.G(r.MaxObsDiff, 3)}  max|Δstate| {Fmt.G(r.MaxStateDiff, 3)}  max|Δreward| {Fmt.G(r.MaxRewardDiff, 3)}  "
            + $"flag mismatches {r.FlagMismatches}{init}  [{Path.GetFileName(r.Source)}]";
    }
}
