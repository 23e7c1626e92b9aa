using System.Reflection;
using NatPolicy.Agents.Training;

namespace NatPolicy.Cli.Tests;

/// <summary>The System.CommandLine surface: help, --version, completion, --set/--print-config, and the bad-input contract.</summary>
[Trait("Category", "Cli")]
public sealed class CommandLineTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => InProcess.Natpolicy(args);

    /// <summary>The completions System.CommandLine's [suggest] directive gives with the cursor at the end of <paramref name="line"/>.</summary>
    private static string[] Suggest(string line) =>
        Run($"[suggest:{line.Length}]", line).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string OneLineError((int Code, string Out, string Err) r)
    {
        Assert.Equal(2, r.Code);
        Assert.Equal("", r.Out);
        string line = r.Err.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain("   at ", line);
        return line;
    }

    [Fact]
    public void Every_envs_defaults_are_computed_for_help_only()
    {
        var train = Cli.Root(TextWriter.Null).Subcommands.Single(c => c.Name == "train");
        var batch = train.Options.Single(o => o.Name == "--batch");
        Assert.Equal("Environment steps per iteration (steps_per_iteration).", batch.Description);
        Options.CompleteHelp(train);
        Assert.StartsWith("Environment steps per iteration (steps_per_iteration). [default: CartPole-v1 vpg 1000, npg 2000", batch.Description, StringComparison.Ordinal);
        Assert.Contains(batch.Description!, Run("train", "--help").Out.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void TrainHelpListsEveryFlagWithItsDefault()
    {
        var r = Run("train", "--help");
        Assert.Equal(0, r.Code);
        var train = Cli.Root(TextWriter.Null).Subcommands.Single(c => c.Name == "train");
        foreach (var option in train.Options)
        {
            var line = r.Out.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith(option.Name, StringComparison.Ordinal)
                || l.Contains(", " + option.Name, StringComparison.Ordinal));
            Assert.True(line is not null, $"--help does not list {option.Name}");
        }
        foreach (var mention in new[] { "[default: 0", "(--print-config shows the resolved config)", "Allowed: vpg, npg, trpo", "CartPole-v1", "--set <KEY=VALUE>" })
            Assert.Contains(mention, r.Out, StringComparison.Ordinal);
        // The per-env defaults are listed with their values.
        string steps = r.Out.Split('\n').Single(l => l.TrimStart().StartsWith("--steps", StringComparison.Ordinal));
        long pendulum = NatPolicy.Agents.Training.TrainDefaults.For("Pendulum-v1", "trpo").TotalSteps;
        Assert.Contains(FormattableString.Invariant($"Pendulum-v1 {pendulum}"), steps, StringComparison.Ordinal);
        Assert.Contains("[default: 5]", Run("compare", "--help").Out, StringComparison.Ordinal);
        Assert.Contains("[default: 100]", Run("evaluate", "--help").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void VersionPrintsThePackageVersion()
    {
        var r = Run("--version");
        Assert.Equal(0, r.Code);
        string expected = typeof(Cli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        Assert.Equal(expected, r.Out.Trim());
        Assert.Equal(Cli.Version, expected);
        Assert.DoesNotContain('+', r.Out);
    }

    [Fact]
    public void CompletionSuggestsVerbsFlagsAndValues()
    {
        Assert.Equal(["train"], Suggest("natpolicy tr"));
        Assert.Contains("CartPole-v1", Suggest("natpolicy train --env Ca"));
        Assert.Contains("--print-config", Suggest("natpolicy train --"));
        Assert.Equal(["algo.max_backtracks=", "algo.max_kl="], Suggest("natpolicy train --set algo.max_").Order(StringComparer.Ordinal));
        foreach (var shell in new[] { "bash", "zsh" })
        {
            var r = Run("completion", shell);
            Assert.Equal(0, r.Code);
            Assert.Contains("[suggest:", r.Out, StringComparison.Ordinal);
        }
        Assert.Contains("unknown shell 'fish'", OneLineError(Run("completion", "fish")), StringComparison.Ordinal);
    }

    [Fact]
    public void PrintConfigShowsTheResolvedVersionTwoConfig()
    {
        var r = Run("train", "--env", "CartPole-v1", "--algo", "npg", "--seed", "4", "--set", "algo.damping=0.001", "--set", "baseline.kind=polynomial",
            "--delta", "0.03", "--steps", "5000", "--print-config");
        Assert.True(r.Code == 0, r.Err);
        var c = NatPolicy.Experiments.Configuration.ConfigResolver.Load(r.Out, "stdout");
        var npg = Assert.IsType<NpgConfig>(c.Algo);
        Assert.Equal((4UL, 5000L, 0.001, 0.03), (c.Seed, c.TotalSteps, npg.Damping, npg.MaxKl));
        Assert.IsType<PolynomialBaselineConfig>(c.Baseline);
        Assert.Contains("\"format_version\": 2", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void BadInputIsOneLineWithExitCodeTwo()
    {
        string trpo = Path.GetTempFileName();
        try
        {
            File.WriteAllText(trpo, """{"format_version": 2, "algo": {"name": "trpo", "solver": "cholesky"}}""");
            Assert.Contains("unknown key 'algo.solver' for algo trpo", OneLineError(Run("train", "--env", "CartPole-v1", "--config", trpo)), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(trpo);
        }
        Assert.Contains("natpolicy train: --delta sets algo.max_kl", OneLineError(Run("train", "--env", "CartPole-v1", "--algo", "vpg", "--delta", "0.1")), StringComparison.Ordinal);
        Assert.Contains("--set 'x' must be KEY=VALUE", OneLineError(Run("train", "--env", "CartPole-v1", "--algo", "npg", "--set", "x")), StringComparison.Ordinal);
        Assert.Contains("natpolicy compare: --set: unknown key 'algo.dampin'", OneLineError(Run("compare", "--env", "CartPole-v1", "--algos", "npg", "--set", "algo.dampin=1")), StringComparison.Ordinal);
        Assert.Contains("--steps must be an integer (got 'lots')", OneLineError(Run("train", "--env", "CartPole-v1", "--algo", "npg", "--steps", "lots")), StringComparison.Ordinal);
        Assert.Contains("--resume continues the saved config; --set", OneLineError(Run("train", "--resume", "/nonexistent", "--set", "seed=1")), StringComparison.Ordinal);
        string verbs = OneLineError(Run("frobnicate"));
        Assert.Contains("unknown command 'frobnicate'; commands: train, evaluate, compare, sweep, benchmark, plot, render, report, reproduce, envcheck, checkenv, bench, completion", verbs, StringComparison.Ordinal);
        Assert.Equal(0, Run("compare", "--help").Code);
        Assert.Equal(0, Run("help").Code);
    }
}
