using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.CompilerServices;
using NatPolicy.Core;

namespace NatPolicy.Cli;

/// <summary>
/// Typed System.CommandLine options with this CLI's one-line messages: values parsed in the invariant culture,
/// range errors naming the flag and what is allowed (e.g. <c>--seeds must be at least 1 (got 0)</c>). A default given
/// here is shown by <c>--help</c> as <c>[default: …]</c>; the description says everything else.
/// </summary>
public static class Options
{
    /// <summary>A text option; <paramref name="allowed"/> (if any) are offered for completion and listed in help (not enforced: the verb checks with its own message).</summary>
    public static Option<string> Text(string name, string helpName, string description, string? defaultValue = null, IEnumerable<string>? allowed = null)
    {
        var o = new Option<string>(name) { Description = description, HelpName = helpName };
        if (defaultValue is not null) o.DefaultValueFactory = _ => defaultValue;
        if (allowed is not null)
        {
            var list = allowed.ToArray();
            o.CompletionSources.Add(list);
            o.Description += $" Allowed: {string.Join(", ", list)}.";
        }
        return o;
    }

    public static Option<bool> Switch(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>Help text that is costly to compute (e.g. every env's defaults), appended only when help is shown.</summary>
    private static readonly ConditionalWeakTable<Option, List<Func<string>>> HelpSuffixes = [];

    /// <summary>
    /// Appends <paramref name="suffix"/>'s text to <paramref name="option"/>'s description when help shows it
    /// (<see cref="CompleteHelp"/>; several suffixes in the order given), not when the command line is built: a
    /// training command starts without computing text it will not print.
    /// </summary>
    public static T WithHelpSuffix<T>(T option, Func<string> suffix) where T : Option
    {
        HelpSuffixes.GetOrCreateValue(option).Add(suffix);
        return option;
    }

    /// <summary>Replaces <paramref name="option"/>'s description, pending help suffixes included.</summary>
    public static void Redescribe(Option option, string description)
    {
        HelpSuffixes.Remove(option);
        option.Description = description;
    }

    /// <summary>Completes the descriptions of <paramref name="command"/>'s options (see <see cref="WithHelpSuffix"/>) before help shows them.</summary>
    public static void CompleteHelp(Command command)
    {
        foreach (var option in command.Options)
            if (HelpSuffixes.TryGetValue(option, out var suffixes))
            {
                foreach (var suffix in suffixes) option.Description += " " + suffix();
                HelpSuffixes.Remove(option);
            }
    }

    /// <summary>An integer option ≥ <paramref name="min"/>.</summary>
    public static Option<int?> Int(string name, string helpName, string description, int? defaultValue = null, int min = int.MinValue, string? tooSmall = null) =>
        Number(name, helpName, description, defaultValue, s => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v : null,
            v => v < min ? (tooSmall ?? $"must be at least {min}") + $" (got {v})" : null, "an integer");

    /// <summary>An integer option ≥ <paramref name="min"/>.</summary>
    public static Option<long?> Long(string name, string helpName, string description, long min = long.MinValue, string? tooSmall = null) =>
        Number<long>(name, helpName, description, null, s => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : null,
            v => v < min ? (tooSmall ?? $"must be at least {min}") + $" (got {v})" : null, "an integer");

    /// <summary>A non-negative integer up to 2⁶⁴ − 1 (a seed).</summary>
    public static Option<ulong?> Seed(string name, string description, ulong? defaultValue) =>
        Number(name, "N", description, defaultValue, s => ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v) ? v : null,
            _ => null, "a non-negative integer");

    /// <summary>A finite number, checked by <paramref name="check"/> (null when fine, else what is wrong).</summary>
    public static Option<double?> Double(string name, string helpName, string description, double? defaultValue = null, Func<double, string?>? check = null) =>
        Number(name, helpName, description, defaultValue,
            s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : null,
            v => check?.Invoke(v), "a finite number");

    private static Option<T?> Number<T>(string name, string helpName, string description, T? defaultValue, Func<string, T?> parse,
        Func<T, string?> check, string what) where T : struct
    {
        var o = new Option<T?>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = r =>
            {
                string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (parse(text) is not { } v)
                {
                    r.AddError($"{name} must be {what} (got '{text}')");
                    return null;
                }
                if (check(v) is { } problem) r.AddError($"{name} {problem}");
                return v;
            },
        };
        if (defaultValue is { } d) o.DefaultValueFactory = _ => d;
        return o;
    }

    /// <summary>Formats a double for messages and help.</summary>
    public static string Show(double x) => Fmt.D(x);

    /// <summary>True when the option was given on the command line (not just defaulted).</summary>
    public static bool Given(this ParseResult p, Option o) => p.GetResult(o) is { Implicit: false };
}
