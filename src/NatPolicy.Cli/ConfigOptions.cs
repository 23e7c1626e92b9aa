using System.CommandLine;
using System.CommandLine.Completions;
using System.Globalization;
using NatPolicy.Agents.Training;
using NatPolicy.Envs;
using NatPolicy.Experiments.Configuration;

namespace NatPolicy.Cli;

/// <summary>
/// The config flags shared by <c>train</c> and <c>compare</c>: <c>--config</c>, <c>--set KEY=VALUE</c> and the
/// shortcuts <c>--steps</c>, <c>--batch</c>, <c>--delta</c> (sugar for overrides), resolved by the library's
/// <see cref="ConfigResolver"/>.
/// </summary>
public sealed class ConfigOptions
{
    public Option<string> Config { get; } = Options.Text("--config", "FILE.json",
        "A config file (format_version 2, or a version-1 flat file) overlaid on the env/algo defaults, key by key.");

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Override one config key (repeatable, applied after --config, later wins): KEY is a dotted path "
            + "(e.g. algo.damping=0.001, policy.kind=mlp, baseline.hidden_sizes=[64,64]); VALUE is JSON where it parses, "
            + "else text. Changing policy.kind, baseline.kind or algo.name restarts that object from the kind's defaults. "
            + "natpolicy train ... --print-config shows every key.",
        HelpName = "KEY=VALUE",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<long?> Steps { get; } = Options.WithHelpSuffix(Options.Long("--steps", "N",
        "Environment steps to train for (total_steps).", 1, "must be positive"),
        () => Defaults(c => c.TotalSteps.ToString(CultureInfo.InvariantCulture)));

    public Option<int?> Batch { get; } = Options.WithHelpSuffix(Options.Int("--batch", "B",
        "Environment steps per iteration (steps_per_iteration).", null, 1, "must be positive"),
        () => Defaults(c => c.StepsPerIteration.ToString(CultureInfo.InvariantCulture)));

    public Option<double?> Delta { get; } = Options.WithHelpSuffix(Options.Double("--delta", "D",
        "KL step δ of npg/trpo (algo.max_kl).", check: d => d > 0 ? null : $"must be positive (got {Options.Show(d)})"),
        () => Defaults(c => c.Algo is NaturalGradientConfig n ? Options.Show(n.MaxKl) : null));

    /// <summary>
    /// The defaults of one setting for every registered env, as help shows them:
    /// <c>[default: CartPole-v1 100000; Pendulum-v1 vpg 300000, npg 100000, trpo 100000; ...]</c> (one value per env when
    /// its algos agree; algos without the setting are left out).
    /// </summary>
    private static string Defaults(Func<TrainConfig, string?> pick)
    {
        var parts = new List<string>();
        foreach (var env in EnvRegistry.Ids)
        {
            var values = TrainConfig.Algos.Select(a => (Algo: a, Value: pick(TrainDefaults.For(env, a)))).Where(v => v.Value is not null).ToArray();
            if (values.Length == 0) continue;
            parts.Add(values.Select(v => v.Value).Distinct().Count() == 1
                ? $"{env} {values[0].Value}"
                : $"{env} {string.Join(", ", values.Select(v => $"{v.Algo} {v.Value}"))}");
        }
        return $"[default: {string.Join("; ", parts)}] (--print-config shows the resolved config)";
    }

    public void AddTo(Command command)
    {
        // Computed when a shell asks for completions, not when the command line is built.
        Set.CompletionSources.Add(_ => ConfigResolver.AllKeyPaths.Select(k => new CompletionItem(k + "=")));
        command.Options.Add(Config);
        command.Options.Add(Set);
        command.Options.Add(Steps);
        command.Options.Add(Batch);
        command.Options.Add(Delta);
    }

    /// <summary>Reads the text of <c>--config</c>, if given.</summary>
    public (string? Json, string? Path) ReadFile(ParseResult p)
    {
        if (p.GetValue(Config) is not { } path) return (null, null);
        if (!File.Exists(path)) throw new UsageException($"--config: file '{path}' does not exist");
        try
        {
            return (File.ReadAllText(path), path);
        }
        catch (IOException e)
        {
            throw new UsageException($"--config: cannot read '{path}' ({e.Message})");
        }
    }

    /// <summary>The overrides of <c>--set</c> then the shortcuts, in that order (shortcuts win).</summary>
    /// <param name="withDelta">Whether to include <c>--delta</c> (it applies only to algos with a KL step).</param>
    public List<(string Key, string Value)> Overrides(ParseResult p, bool withDelta)
    {
        var list = new List<(string, string)>();
        foreach (var s in p.GetValue(Set) ?? [])
        {
            int eq = s.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new UsageException($"--set '{s}' must be KEY=VALUE (e.g. algo.damping=0.001)");
            list.Add((s[..eq], s[(eq + 1)..]));
        }
        if (p.GetValue(Steps) is { } steps) list.Add(("total_steps", steps.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (p.GetValue(Batch) is { } batch) list.Add(("steps_per_iteration", batch.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (withDelta && p.GetValue(Delta) is { } delta) list.Add(("algo.max_kl", Options.Show(delta)));
        return list;
    }

    /// <summary>Resolves one run's config; <c>--delta</c> with vpg is refused (vpg has no KL step).</summary>
    public TrainConfig Resolve(ParseResult p, string? env, string? algo, IEnumerable<(string Key, string Value)> extra, bool deltaOnlyWhereItApplies = false)
    {
        var (json, path) = ReadFile(p);
        var overrides = Overrides(p, withDelta: false).Concat(extra).ToList();
        var config = ConfigResolver.Resolve(env, algo, json, path, overrides);
        if (p.GetValue(Delta) is null) return config;
        if (config.Algo is VpgConfig)
        {
            if (deltaOnlyWhereItApplies) return config;
            throw new UsageException("--delta sets algo.max_kl (the KL step δ), which vpg does not have; it applies to npg and trpo");
        }
        return ConfigResolver.Resolve(env, algo, json, path, Overrides(p, withDelta: true).Concat(extra).ToList());
    }

    /// <summary>The env ids, for completion and help.</summary>
    public static IReadOnlyList<string> Envs => EnvRegistry.Ids;
}
