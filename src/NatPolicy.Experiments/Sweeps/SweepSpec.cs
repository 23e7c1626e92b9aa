using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using NatPolicy.Envs;

namespace NatPolicy.Experiments.Sweeps;

/// <summary>One <c>--set</c>-style override: a dotted config key path and its value as text (JSON where it parses).</summary>
public sealed record Override(string Key, string Value)
{
    public override string ToString() => $"{Key}={Value}";
}

/// <summary>
/// A sweep spec (YAML, see docs/formats.md): envs × override sets × algos × seeds. The override sets are the
/// cartesian product of <see cref="Grid"/> (keys in file order, values in file order, the last key varying fastest),
/// each followed by every entry of <see cref="List"/> (so both give grid × list sets; either alone gives its own;
/// neither gives one empty set). <see cref="Set"/> applies to every cell before them.
/// </summary>
/// <param name="Steps">Env steps per cell for each env (absent: the env's npg budget for every algo, as compare).</param>
/// <param name="EvalEpisodes">Episodes of each cell's final deterministic evaluation.</param>
public sealed record SweepSpec(
    IReadOnlyList<string> Envs,
    IReadOnlyList<string> Algos,
    IReadOnlyList<ulong> Seeds,
    IReadOnlyList<Override> Set,
    IReadOnlyList<(string Key, IReadOnlyList<string> Values)> Grid,
    IReadOnlyList<IReadOnlyList<Override>> List,
    IReadOnlyDictionary<string, long> Steps,
    int EvalEpisodes)
{
    /// <summary>The top-level keys a spec may hold.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["envs", "algos", "seeds", "steps", "set", "grid", "list", "eval_episodes"];

    /// <summary>Cells the spec expands to: envs × override sets × algos × seeds (computed without expanding).</summary>
    public long CellCount =>
        (long)Envs.Count * Algos.Count * Seeds.Count * Math.Max(1, List.Count) * Grid.Aggregate(1L, (n, g) => n * g.Values.Count);

    /// <summary>The override sets in order (see the type's summary); each names one group per env.</summary>
    public IReadOnlyList<IReadOnlyList<Override>> OverrideSets()
    {
        IEnumerable<IReadOnlyList<Override>> sets = [[]];
        foreach (var (key, values) in Grid)
            sets = sets.SelectMany(s => values.Select(v => (IReadOnlyList<Override>)[.. s, new Override(key, v)])).ToArray();
        if (List.Count > 0) sets = sets.SelectMany(s => List.Select(l => (IReadOnlyList<Override>)[.. s, .. l])).ToArray();
        return sets.ToArray();
    }

    /// <summary>The spec as JSON (recorded in sweep.json).</summary>
    public JsonObject ToJson()
    {
        static JsonObject Sets(IEnumerable<Override> o) => new(o.Select(x => KeyValuePair.Create(x.Key, (JsonNode?)x.Value)));
        return new JsonObject
        {
            ["envs"] = new JsonArray([.. Envs.Select(e => (JsonNode)e)]),
            ["algos"] = new JsonArray([.. Algos.Select(a => (JsonNode)a)]),
            ["seeds"] = new JsonArray([.. Seeds.Select(s => (JsonNode)s)]),
            ["steps"] = new JsonObject(Steps.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["set"] = Sets(Set),
            ["grid"] = new JsonObject(Grid.Select(g => KeyValuePair.Create(g.Key, (JsonNode?)new JsonArray([.. g.Values.Select(v => (JsonNode)v)])))),
            ["list"] = new JsonArray([.. List.Select(l => (JsonNode)Sets(l))]),
            ["eval_episodes"] = EvalEpisodes,
        };
    }

    /// <summary>Reads a spec file; throws <see cref="SweepException"/> (one line naming the file and the key) when it is not a valid spec.</summary>
    public static SweepSpec Load(string path)
    {
        if (!File.Exists(path)) throw new SweepException($"sweep spec '{path}' does not exist");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses spec text (YAML; JSON is YAML too). Envs and algos are checked by name here; the overrides when the cells are resolved.</summary>
    public static SweepSpec Parse(string text, string source)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new SweepException($"{source}: not valid YAML ({e.Message.Split('\n')[0]})");
        }
        if (yaml.Documents.Count != 1 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new SweepException($"{source}: a sweep spec is one YAML mapping with keys {string.Join(", ", Keys)}");
        var map = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (k, v) in root.Children)
        {
            string key = Scalar(k, $"{source}: a top-level key");
            if (!Keys.Contains(key)) throw new SweepException($"{source}: unknown key '{key}'; allowed: {string.Join(", ", Keys)}");
            map[key] = v;
        }
        string Where(string key) => $"{source}: {key}";

        var envs = StringList(map.GetValueOrDefault("envs"), Where("envs"));
        foreach (var env in envs)
            if (!EnvRegistry.IsRegistered(env))
                throw new SweepException($"{Where("envs")}: unknown env '{env}'; valid ids: {string.Join(", ", EnvRegistry.Ids)}");
        var algos = StringList(map.GetValueOrDefault("algos"), Where("algos"));
        foreach (var algo in algos)
            if (!Agents.Training.TrainConfig.Algos.Contains(algo))
                throw new SweepException($"{Where("algos")}: unknown algo '{algo}'; allowed: {string.Join(", ", Agents.Training.TrainConfig.Algos)}");
        var seeds = ParseSeeds(map.GetValueOrDefault("seeds"), Where("seeds"));
        var steps = ParseSteps(map.GetValueOrDefault("steps"), envs, Where("steps"));
        var set = map.TryGetValue("set", out var s) ? Overrides(s, Where("set")) : [];
        var grid = new List<(string, IReadOnlyList<string>)>();
        if (map.TryGetValue("grid", out var g))
        {
            if (g is not YamlMappingNode gm || gm.Children.Count == 0)
                throw new SweepException($"{Where("grid")}: must map at least one config key to a list of values (e.g. algo.max_kl: [0.01, 0.02])");
            foreach (var (k, v) in gm.Children)
            {
                string key = Scalar(k, Where("grid") + " key");
                if (v is not YamlSequenceNode seq || seq.Children.Count == 0)
                    throw new SweepException($"{Where("grid")}.{key}: must be a non-empty list of values");
                var values = seq.Children.Select(x => Value(x, $"{Where("grid")}.{key}")).ToArray();
                if (values.Distinct().Count() != values.Length) throw new SweepException($"{Where("grid")}.{key}: a value is listed twice");
                grid.Add((key, values));
            }
        }
        var list = new List<IReadOnlyList<Override>>();
        if (map.TryGetValue("list", out var l))
        {
            if (l is not YamlSequenceNode ls || ls.Children.Count == 0)
                throw new SweepException($"{Where("list")}: must be a non-empty list of override sets (each a mapping of config keys to values)");
            for (int k = 0; k < ls.Children.Count; k++) list.Add(Overrides(ls.Children[k], $"{Where("list")}[{k}]"));
        }
        int episodes = EvaluationSettingsEpisodes(map.GetValueOrDefault("eval_episodes"), Where("eval_episodes"));
        return new SweepSpec(envs, algos, seeds, set, grid, list, steps, episodes);
    }

    private static int EvaluationSettingsEpisodes(YamlNode? node, string where)
    {
        if (node is null) return Runs.EvaluationSettings.Final.Episodes;
        string text = Scalar(node, where);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < 1)
            throw new SweepException($"{where}: '{text}' is not a positive integer");
        return n;
    }

    private static IReadOnlyList<string> StringList(YamlNode? node, string where)
    {
        if (node is null) throw new SweepException($"{where}: required (a non-empty list)");
        var items = node is YamlSequenceNode seq ? seq.Children.Select(c => Scalar(c, where)).ToArray() : [Scalar(node, where)];
        if (items.Length == 0) throw new SweepException($"{where}: must not be empty");
        if (items.Distinct().Count() != items.Length) throw new SweepException($"{where}: an entry is listed twice");
        return items;
    }

    /// <summary>seeds: a count (seeds 0 … K−1), {count: K, first: S} (S … S+K−1), or a list of seeds.</summary>
    private static IReadOnlyList<ulong> ParseSeeds(YamlNode? node, string where)
    {
        ulong U(YamlNode n, string w)
        {
            string t = Scalar(n, w);
            return ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out ulong u) ? u
                : throw new SweepException($"{w}: '{t}' is not a seed (an integer 0 … 2^64-1)");
        }
        ulong[] seeds;
        switch (node)
        {
            case null: throw new SweepException($"{where}: required (a count, {{count: K, first: S}} or a list of seeds)");
            case YamlSequenceNode seq:
                seeds = seq.Children.Select(c => U(c, where)).ToArray();
                break;
            case YamlMappingNode m:
                ulong count = 0, first = 0;
                foreach (var (k, v) in m.Children)
                {
                    string key = Scalar(k, where);
                    if (key == "count") count = U(v, where + ".count");
                    else if (key == "first") first = U(v, where + ".first");
                    else throw new SweepException($"{where}: unknown key '{key}'; allowed: count, first");
                }
                if (count is 0 or > 1_000_000) throw new SweepException($"{where}.count: must be 1 … 1000000");
                if (first > ulong.MaxValue - (count - 1)) throw new SweepException($"{where}: first + count − 1 passes the largest seed 2^64-1");
                seeds = Enumerable.Range(0, (int)count).Select(k => first + (ulong)k).ToArray();
                break;
            default:
                ulong n = U(node, where);
                if (n is 0 or > 1_000_000) throw new SweepException($"{where}: a count must be 1 … 1000000");
                seeds = Enumerable.Range(0, (int)n).Select(k => (ulong)k).ToArray();
                break;
        }
        if (seeds.Length == 0) throw new SweepException($"{where}: must not be empty");
        if (seeds.Distinct().Count() != seeds.Length) throw new SweepException($"{where}: a seed is listed twice");
        return seeds;
    }

    /// <summary>steps: one number for every env, or a mapping env → number (envs left out keep their default budget).</summary>
    private static IReadOnlyDictionary<string, long> ParseSteps(YamlNode? node, IReadOnlyList<string> envs, string where)
    {
        long L(YamlNode n, string w)
        {
            string t = Scalar(n, w);
            return long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v > 0 ? v
                : throw new SweepException($"{w}: '{t}' is not a positive number of env steps");
        }
        var steps = new Dictionary<string, long>(StringComparer.Ordinal);
        if (node is null) return steps;
        if (node is YamlMappingNode m)
        {
            foreach (var (k, v) in m.Children)
            {
                string env = Scalar(k, where);
                if (!envs.Contains(env)) throw new SweepException($"{where}: '{env}' is not one of the sweep's envs ({string.Join(", ", envs)})");
                steps[env] = L(v, $"{where}.{env}");
            }
        }
        else
        {
            long all = L(node, where);
            foreach (var env in envs) steps[env] = all;
        }
        return steps;
    }

    private static IReadOnlyList<Override> Overrides(YamlNode node, string where)
    {
        if (node is not YamlMappingNode m) throw new SweepException($"{where}: must be a mapping of config keys to values (e.g. steps_per_iteration: 1000)");
        return m.Children.Select(kv => new Override(Scalar(kv.Key, where + " key"), Value(kv.Value, $"{where}.{Scalar(kv.Key, where)}"))).ToArray();
    }

    /// <summary>A value as the resolver's <c>--set</c> text: a scalar as written, a list of scalars as a JSON list.</summary>
    private static string Value(YamlNode node, string where) => node switch
    {
        YamlScalarNode => Scalar(node, where),
        YamlSequenceNode seq => "[" + string.Join(",", seq.Children.Select(c => Scalar(c, where))) + "]",
        _ => throw new SweepException($"{where}: a value must be a scalar or a list of scalars"),
    };

    private static string Scalar(YamlNode node, string where) =>
        node is YamlScalarNode { Value: { Length: > 0 } v } ? v : throw new SweepException($"{where}: expected a plain value");
}

/// <summary>A sweep spec or folder that cannot be used as asked (one line naming the file, key or cell; exit 2).</summary>
public sealed class SweepException(string message) : Core.InputException(message);
