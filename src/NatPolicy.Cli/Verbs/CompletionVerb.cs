using System.CommandLine;

namespace NatPolicy.Cli.Verbs;

/// <summary>
/// <c>natpolicy completion bash|zsh</c>: prints a shell script that completes verbs, flags and values by asking
/// natpolicy itself through System.CommandLine's <c>[suggest:POSITION]</c> directive
/// (<c>natpolicy "[suggest:12]" "natpolicy tr"</c> prints the completions, one per line).
/// Install: <c>source &lt;(natpolicy completion bash)</c> in ~/.bashrc, or <c>natpolicy completion zsh &gt; "${fpath[1]}/_natpolicy"</c>.
/// </summary>
public static class CompletionVerb
{
    public static IReadOnlyList<string> Shells { get; } = ["bash", "zsh"];

    public static Command Build(TextWriter stdout)
    {
        var shell = new Argument<string>("SHELL") { Description = $"The shell: {string.Join(", ", Shells)}.", HelpName = "bash|zsh" };
        shell.CompletionSources.Add(Shells.ToArray());
        var command = new Command("completion", "Print a shell completion script (bash or zsh) that asks natpolicy for completions.");
        command.Arguments.Add(shell);
        command.SetAction(p =>
        {
            string name = p.GetValue(shell)!;
            stdout.Write(name switch
            {
                "bash" => Bash,
                "zsh" => Zsh,
                _ => throw new UsageException($"unknown shell '{name}'; allowed: {string.Join(", ", Shells)}"),
            });
            return 0;
        });
        return command;
    }

    private const string Bash = """
        # natpolicy completion for bash: source <(natpolicy completion bash)
        _natpolicy_complete() {
            local IFS=$'\n'
            COMPREPLY=( $(compgen -W "$(natpolicy "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _natpolicy_complete natpolicy

        """;

    private const string Zsh = """
        #compdef natpolicy
        # natpolicy completion for zsh: natpolicy completion zsh > "${fpath[1]}/_natpolicy" (or source it after compinit)
        _natpolicy() {
            local -a candidates
            candidates=("${(@f)$(natpolicy "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null)}")
            compadd -a candidates
        }
        compdef _natpolicy natpolicy

        """;
}
