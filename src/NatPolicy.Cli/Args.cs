using System.Globalization;
using NatPolicy.Core;

namespace NatPolicy.Cli;

/// <summary>
/// A verb's command line: positional arguments plus <c>--name value</c> / <c>--name=value</c> options and bare
/// <c>--switch</c>es. Every option must be declared by the verb; anything else is a <see cref="UsageException"/>
/// naming the flag and listing the allowed ones.
/// </summary>
public sealed class Args
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];
    private readonly string _verb;

    /// <param name="verb">For messages.</param>
    /// <param name="argv">The arguments after the verb.</param>
    /// <param name="valued">Options that take a value (without leading dashes).</param>
    /// <param name="switches">Options that take no value.</param>
    public Args(string verb, IReadOnlyList<string> argv, IEnumerable<string> valued, IEnumerable<string>? switches = null)
    {
        _verb = verb;
        var valuedSet = valued.ToHashSet(StringComparer.Ordinal);
        var switchSet = (switches ?? []).ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < argv.Count; i++)
        {
            string a = argv[i];
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                string name = a[2..];
                string? inline = null;
                int eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0) { inline = name[(eq + 1)..]; name = name[..eq]; }
                if (switchSet.Contains(name))
                {
                    if (inline is not null) throw new UsageException($"--{name} takes no value (got '{inline}')");
                    _options[name] = null;
                }
                else if (valuedSet.Contains(name))
                {
                    string? value = inline;
                    if (value is null)
                    {
                        if (i + 1 >= argv.Count) throw new UsageException($"--{name} needs a value");
                        value = argv[++i];
                    }
                    if (_options.ContainsKey(name)) throw new UsageException($"--{name} is given twice");
                    _options[name] = value;
                }
                else
                {
                    var allowed = valuedSet.Concat(switchSet).Order(StringComparer.Ordinal).Select(n => "--" + n);
                    throw new UsageException($"unknown option '--{name}'; allowed: {string.Join(", ", allowed)}");
                }
            }
            else if (a == "-h")
            {
                _options["help"] = null;
            }
            else
            {
                _positional.Add(a);
            }
        }
    }

    public IReadOnlyList<string> Positional => _positional;

    public bool Has(string name) => _options.ContainsKey(name);

    public string? String(string name) => _options.TryGetValue(name, out var v) ? v : null;

    public int? Int(string name, int min = int.MinValue)
    {
        if (String(name) is not { } s) return null;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new UsageException($"--{name} must be an integer (got '{s}')");
        if (v < min) throw new UsageException($"--{name} must be at least {min} (got {v})");
        return v;
    }

    public long? Long(string name, long min = long.MinValue)
    {
        if (String(name) is not { } s) return null;
        if (!long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
            throw new UsageException($"--{name} must be an integer (got '{s}')");
        if (v < min) throw new UsageException($"--{name} must be at least {min} (got {v})");
        return v;
    }

    public double? Double(string name)
    {
        if (String(name) is not { } s) return null;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new UsageException($"--{name} must be a finite number (got '{s}')");
        return v;
    }

    /// <summary>Throws unless the positional count is within [min, max].</summary>
    public void RequirePositional(int min, int max, string what)
    {
        if (_positional.Count < min) throw new UsageException($"missing {what}");
        if (_positional.Count > max)
            throw new UsageException($"unexpected argument '{_positional[max]}' (expected {what})");
    }

    /// <summary>Formats a double for messages.</summary>
    public static string Show(double x) => Fmt.D(x);
}
