using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Solvers;
using NatPolicy.Agents.Training;
using NatPolicy.Envs;

namespace NatPolicy.Experiments.Configuration;

/// <summary>
/// Resolves a run's <see cref="TrainConfig"/>: <see cref="TrainDefaults.For"/>(env, algo) ← a config file ← overrides
/// (<c>--set KEY=VALUE</c>, dotted key paths). Nested objects merge key by key; an overlay that changes
/// <c>policy.kind</c>, <c>baseline.kind</c> or <c>algo.name</c> restarts that object from the new kind's defaults
/// before its other keys apply. Every value is checked for key, type, range and finiteness; every problem is a
/// <see cref="ConfigException"/> with one line naming the key path.
/// <para>Files: <c>format_version</c> 2 is the nested format <see cref="TrainConfig.ToJson"/> writes. A file without
/// <c>format_version</c> is version 1, the flat format written before (e.g. <c>{"max_kl": 0.02, "policy": "rff"}</c>);
/// it is migrated: flat keys move into <c>policy</c>/<c>baseline</c>/<c>algo</c> (<c>rff_features</c> →
/// <c>policy.features</c>, <c>baseline_*</c> → <c>baseline.*</c>, …), baseline "linear" becomes "polynomial", and keys
/// that did not apply to the chosen kinds (which version 1 saved but ignored, e.g. trpo's <c>fisher</c>/<c>solver</c>,
/// a linear policy's <c>hidden_sizes</c>, a discrete env's <c>init_log_std</c>) are dropped. Any other version is refused.</para>
/// </summary>
public static class ConfigResolver
{
    /// <summary>The versions <see cref="Resolve"/> reads.</summary>
    public static IReadOnlyList<int> ReadableVersions { get; } = [1, TrainConfig.CurrentFormatVersion];

    /// <summary>
    /// The config of a fresh run. <paramref name="envId"/> and <paramref name="algo"/> (the <c>--env</c>/<c>--algo</c>
    /// flags) win over <c>env_id</c>/<c>algo.name</c> in the overrides, which win over the file's; one of them must give each.
    /// </summary>
    /// <param name="configJson">The text of a config file (version 1 or 2), or null.</param>
    /// <param name="source">Names the file in messages (its path).</param>
    /// <param name="overrides">Applied in order after the file: a dotted key path and a value, parsed as JSON where it parses (numbers, true/false, [lists], "strings"), else taken as a string.</param>
    public static TrainConfig Resolve(string? envId, string? algo, string? configJson, string? source,
        IReadOnlyList<(string Key, string Value)> overrides)
    {
        source ??= "config";
        JsonObject? file = configJson is null ? null : ParseObject(configJson, source);
        int version = file is null ? TrainConfig.CurrentFormatVersion : Version(file, source);
        var sets = Overrides(overrides);

        string env = envId ?? StringAt(sets, "env_id", "--set env_id")
            ?? StringAt(file, "env_id", source + ": env_id")
            ?? throw new ConfigException("--env is required (or env_id in --config)");
        string algoName = algo ?? (sets["algo"] is JsonObject sa ? StringAt(sa, "name", "--set algo.name") : null)
            ?? (version == 1 ? StringAt(file, "algo", source + ": algo")
                : file?["algo"] is JsonObject fa ? StringAt(fa, "name", source + ": algo.name") : null)
            ?? throw new ConfigException($"--algo is required (or algo.name in --config); allowed: {string.Join(", ", TrainConfig.Algos)}");
        CheckEnv(env);
        // A value the flag overrides is still checked: a mistyped --set env_id must not pass unnoticed.
        if (envId is not null && StringAt(sets, "env_id", "--set env_id") is { } setEnv && setEnv != envId)
            throw new ConfigException($"--set env_id={setEnv} contradicts --env {envId}; give the env once");
        if (!TrainConfig.Algos.Contains(algoName))
            throw new ConfigException($"unknown algo '{algoName}'; allowed: {string.Join(", ", TrainConfig.Algos)}");

        var defaults = TrainDefaults.For(env, algoName);
        bool box = TrainDefaults.IsBox(env);
        var merged = ToNode(defaults);
        if (file is not null)
        {
            var v2 = version == 1 ? MigrateV1(file, source, defaults, box) : file;
            Merge(merged, v2, source + ": ", "", env);
        }
        if (sets.Count > 0) Merge(merged, sets, "--set: ", "", env);
        // --algo wins over the file and --set: a different name there restarts algo from --algo's defaults.
        if (algo is not null) Merge(merged, new JsonObject { ["algo"] = new JsonObject { ["name"] = algo } }, "--algo: ", "", env);
        merged["env_id"] = env;
        var config = FromNode(merged);
        if (config.Problems(box).FirstOrDefault() is { } problem) throw new ConfigException(problem);
        return config;
    }

    /// <summary>Reads a saved config.json (version 1 or 2) as it stands: env and algo come from the file.</summary>
    public static TrainConfig Load(string json, string source) => Resolve(null, null, json, source, []);

    /// <summary>Throws unless <paramref name="envId"/> is a registered env.</summary>
    public static void CheckEnv(string envId)
    {
        if (!EnvRegistry.Ids.Contains(envId))
            throw new ConfigException($"unknown env '{envId}'; valid ids: {string.Join(", ", EnvRegistry.Ids)}");
    }

    /// <summary>Every key path some config accepts (all kinds), e.g. "algo.max_kl", for completing <c>--set</c>.</summary>
    public static IReadOnlyList<string> AllKeyPaths =>
        Keys(typeof(TrainConfig)).Where(k => k is not ("policy" or "baseline" or "algo"))
            .Append("policy.kind").Concat(PolicySpec.Kinds.SelectMany(k => Keys(PolicySpec.Default(k).GetType())).Select(k => "policy." + k))
            .Append("baseline.kind").Concat(BaselineSpec.Kinds.SelectMany(k => Keys(BaselineSpec.Default(k).GetType())).Select(k => "baseline." + k))
            .Append("algo.name").Concat(TrainConfig.Algos.SelectMany(k => Keys(AlgoSpec.Default(k).GetType())).Select(k => "algo." + k))
            .Distinct().ToArray();

    // ------------------------------------------------------------------ parsing

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    private static JsonObject ParseObject(string json, string source)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: Strict);
        }
        catch (JsonException e)
        {
            var duplicate = System.Text.RegularExpressions.Regex.Match(e.Message, "Duplicate property '([^']*)'");
            if (duplicate.Success) throw new ConfigException($"{source}: key '{duplicate.Groups[1].Value}' is given twice in one object");
            throw new ConfigException($"{source}: malformed JSON ({e.Message.Split('\n')[0]})");
        }
        return node as JsonObject ?? throw new ConfigException($"{source}: the config must be a JSON object");
    }

    private static int Version(JsonObject file, string source)
    {
        if (!file.TryGetPropertyValue("format_version", out var v)) return 1;
        if (v is JsonValue jv && jv.GetValueKind() == JsonValueKind.Number && int.TryParse(jv.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && ReadableVersions.Contains(n))
            return n;
        throw new ConfigException($"{source}: format_version {v?.ToJsonString() ?? "null"} is not supported; this natpolicy reads versions {string.Join(" and ", ReadableVersions)}");
    }

    /// <summary>The overrides as one nested object: "algo.damping=0.001" → {"algo": {"damping": 0.001}}; later keys win.</summary>
    private static JsonObject Overrides(IReadOnlyList<(string Key, string Value)> overrides)
    {
        var root = new JsonObject();
        foreach (var (key, text) in overrides)
        {
            var parts = key.Split('.');
            if (parts.Any(p => p.Length == 0)) throw new ConfigException($"--set: '{key}' is not a key path (e.g. algo.damping)");
            var o = root;
            for (int i = 0; i < parts.Length - 1; i++)
            {
                if (o[parts[i]] is not JsonObject child)
                {
                    child = new JsonObject();
                    o[parts[i]] = child;
                }
                o = child;
            }
            o[parts[^1]] = ParseValue(text);
        }
        return root;
    }

    /// <summary>A <c>--set</c> value: JSON where it parses (1e-3, true, [64, 64], "text"), else the text as a string.</summary>
    public static JsonNode? ParseValue(string text)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: Strict) ?? JsonValue.Create((string?)null);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private static string? StringAt(JsonObject? o, string key, string what)
    {
        if (o is null || !o.TryGetPropertyValue(key, out var v)) return null;
        return v is JsonValue jv && jv.GetValueKind() == JsonValueKind.String
            ? jv.GetValue<string>()
            : throw new ConfigException($"{what} must be a string (got {Show(v)})");
    }

    // ------------------------------------------------------------------ merging

    private static JsonObject ToNode(TrainConfig c) => JsonNode.Parse(ConfigJson.Serialize(c))!.AsObject();

    private static TrainConfig FromNode(JsonObject merged)
    {
        merged.Remove("format_version");
        return merged.Deserialize<TrainConfig>(ConfigJson.Options)!;
    }

    /// <summary>Applies <paramref name="overlay"/> onto <paramref name="target"/> key by key, checking each key and value.</summary>
    private static void Merge(JsonObject target, JsonObject overlay, string source, string path, string env)
    {
        string discriminator = path == "algo." ? "name" : "kind";
        Type type = path.Length == 0 ? typeof(TrainConfig) : SpecType(path, Kind(target, discriminator));
        // The discriminator first: a new kind restarts the object from that kind's defaults.
        if (path.Length > 0 && overlay.TryGetPropertyValue(discriminator, out var kindNode))
        {
            var kinds = path switch
            {
                "policy." => PolicySpec.Kinds,
                "baseline." => BaselineSpec.Kinds,
                _ => TrainConfig.Algos,
            };
            string kind = kindNode is JsonValue kv && kv.GetValueKind() == JsonValueKind.String ? kv.GetValue<string>()
                : throw new ConfigException($"{source}{path}{discriminator} must be a string, one of {string.Join(", ", kinds)} (got {Show(kindNode)})");
            if (!kinds.Contains(kind))
                throw new ConfigException($"{source}{path}{discriminator} '{kind}' is unknown; allowed: {string.Join(", ", kinds)}{Hint(kind, kinds)}");
            if (kind != Kind(target, discriminator))
            {
                var node = path switch
                {
                    "policy." => JsonSerializer.SerializeToNode(TrainDefaults.Policy(kind, target["init_log_std"]?.GetValue<double>()), ConfigJson.Options),
                    "baseline." => JsonSerializer.SerializeToNode(BaselineSpec.Default(kind), ConfigJson.Options),
                    _ => JsonSerializer.SerializeToNode(TrainDefaults.For(env, kind).Algo, ConfigJson.Options),
                };
                target.Clear();
                foreach (var (k, v) in node!.AsObject().ToArray())
                {
                    node.AsObject().Remove(k);
                    target[k] = v;
                }
                type = SpecType(path, kind);
            }
        }
        var keys = Keys(type);
        foreach (var (key, value) in overlay.ToArray())
        {
            string at = path + key;
            if (path.Length == 0 && key == "format_version") continue;
            if (key == discriminator && path.Length > 0) continue;
            if (path == "policy." && key == "init_log_std" && !TrainDefaults.IsBox(env))
                throw new ConfigException($"{source}policy.init_log_std applies only to box-action envs ({env} has discrete actions; remove it)");
            if (!keys.Contains(key))
            {
                string what = path.Length == 0 ? "" : $" for {path.TrimEnd('.')} {Kind(target, discriminator)}";
                if (type == typeof(TrpoConfig) && key is "fisher" or "solver") what += " (trpo always uses matrix-free Fisher products and CG)";
                var allowed = path.Length == 0 ? keys : keys.Prepend(discriminator).ToArray();
                throw new ConfigException($"{source}unknown key '{at}'{what}{Hint(key, allowed, path)}; keys: {string.Join(", ", allowed)}");
            }
            if (value is null) throw new ConfigException($"{source}{at} must not be null");
            if (key is "policy" or "baseline" or "algo" && path.Length == 0)
            {
                if (value is not JsonObject child)
                    throw new ConfigException($"{source}{at} must be an object (got {Show(value)})");
                Merge(target[key]!.AsObject(), child, source, at + ".", env);
                continue;
            }
            CheckValue(Property(type, key).PropertyType, value, source + at);
            target[key] = value.DeepClone();
        }
    }

    /// <summary>The record type of a kind of the object at <paramref name="path"/> ("policy.", "baseline." or "algo.").</summary>
    private static Type SpecType(string path, string kind) => path switch
    {
        "policy." => PolicySpec.Default(kind).GetType(),
        "baseline." => BaselineSpec.Default(kind).GetType(),
        _ => AlgoSpec.Default(kind).GetType(),
    };

    private static string Kind(JsonObject o, string discriminator) => o[discriminator]!.GetValue<string>();

    private static string Hint(string key, IReadOnlyList<string> keys, string path = "")
    {
        if (keys.Count == 0) return "";
        string best = keys.OrderBy(k => Levenshtein(k, key)).First();
        return Levenshtein(best, key) <= Math.Max(2, key.Length / 2) ? $" (did you mean '{path}{best}'?)" : "";
    }

    /// <summary>Checks one leaf value against the property type: integers in range, finite numbers, booleans, strings from their set, lists of integers.</summary>
    private static void CheckValue(Type type, JsonNode value, string at)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        string got = Show(value);
        if (type == typeof(string))
        {
            if (value.GetValueKind() != JsonValueKind.String) throw new ConfigException($"{at} must be a string (got {got})");
            return;
        }
        if (type == typeof(bool))
        {
            if (value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) throw new ConfigException($"{at} must be true or false (got {got})");
            return;
        }
        if (type == typeof(FisherKind) || type == typeof(SolverKind))
        {
            var names = type == typeof(FisherKind) ? FisherEstimators.Names : FisherSolvers.Names;
            if (value.GetValueKind() != JsonValueKind.String || !names.Contains(value.GetValue<string>()))
                throw new ConfigException($"{at} must be one of {string.Join(", ", names)} (got {got})");
            return;
        }
        if (type == typeof(int[]))
        {
            if (value is not JsonArray arr) throw new ConfigException($"{at} must be a list of integers, e.g. [32, 32] (got {got})");
            foreach (var e in arr)
                if (e is null || e.GetValueKind() != JsonValueKind.Number || !int.TryParse(e.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                    throw new ConfigException($"{at} must be a list of integers, e.g. [32, 32] (got {got})");
            return;
        }
        string want = type == typeof(double) ? "a finite number"
            : type == typeof(ulong) ? "an integer in [0, 18446744073709551615]"
            : type == typeof(int) ? $"an integer in [{int.MinValue}, {int.MaxValue}]" : "an integer";
        if (value.GetValueKind() != JsonValueKind.Number)
            throw new ConfigException($"{at} must be {(type == typeof(double) ? "a number" : "an integer")} (got {got})");
        string raw = value.ToJsonString();
        bool ok = type == typeof(double)
            ? double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)
            : type == typeof(int) ? int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            : type == typeof(long) ? long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            : type == typeof(ulong) && ulong.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out _);
        if (!ok) throw new ConfigException($"{at} must be {want} (got {got})");
    }

    private static string Show(JsonNode? v)
    {
        string s = v?.ToJsonString() ?? "null";
        return s.Length > 40 ? s[..40] + "…" : s;
    }

    private static readonly Dictionary<Type, string[]> KeyCache = [];

    /// <summary>The JSON keys of a record type (snake_case settable properties; not the discriminator).</summary>
    public static IReadOnlyList<string> Keys(Type type)
    {
        lock (KeyCache)
        {
            if (!KeyCache.TryGetValue(type, out var keys))
            {
                keys = Settable(type).Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name)).ToArray();
                KeyCache[type] = keys;
            }
            return keys;
        }
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always })
            .OrderBy(p => p.GetCustomAttribute<JsonPropertyOrderAttribute>()?.Order ?? 0).ThenBy(p => p.MetadataToken);

    private static PropertyInfo Property(Type type, string key) =>
        Settable(type).First(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name) == key);

    // ------------------------------------------------------------------ version 1

    /// <summary>Where each version-1 key went: (object, key in it, the kinds it applies to; null: all).</summary>
    private static readonly Dictionary<string, (string Object, string Key, string[]? Kinds)> V1 = new()
    {
        ["hidden_sizes"] = ("policy", "hidden_sizes", ["mlp"]),
        ["rff_features"] = ("policy", "features", ["rff"]),
        ["rff_bandwidth"] = ("policy", "bandwidth", ["rff"]),
        ["init_log_std"] = ("policy", "init_log_std", null),
        ["baseline_time_features"] = ("baseline", "time_features", ["polynomial", "rff"]),
        ["baseline_features"] = ("baseline", "features", ["rff"]),
        ["baseline_bandwidth"] = ("baseline", "bandwidth", ["rff"]),
        ["baseline_ridge"] = ("baseline", "ridge", ["polynomial", "rff"]),
        ["baseline_hidden_sizes"] = ("baseline", "hidden_sizes", ["mlp"]),
        ["baseline_epochs"] = ("baseline", "epochs", ["mlp"]),
        ["baseline_minibatch"] = ("baseline", "minibatch", ["mlp"]),
        ["baseline_learning_rate"] = ("baseline", "learning_rate", ["mlp"]),
        ["optimizer"] = ("algo", "optimizer", ["vpg"]),
        ["learning_rate"] = ("algo", "learning_rate", ["vpg"]),
        ["max_kl"] = ("algo", "max_kl", ["npg", "trpo"]),
        ["fisher"] = ("algo", "fisher", ["npg"]),
        ["solver"] = ("algo", "solver", ["npg"]),
        ["damping"] = ("algo", "damping", ["npg", "trpo"]),
        ["cg_iterations"] = ("algo", "cg_iterations", ["npg", "trpo"]),
        ["cg_tolerance"] = ("algo", "cg_tolerance", ["npg", "trpo"]),
        ["backtrack_ratio"] = ("algo", "backtrack_ratio", ["trpo"]),
        ["max_backtracks"] = ("algo", "max_backtracks", ["trpo"]),
    };

    private static readonly string[] V1Top =
        ["env_id", "seed", "total_steps", "steps_per_iteration", "num_envs", "gamma", "gae_lambda", "normalize_advantages",
         "normalize_observations", "checkpoint_every"];

    /// <summary>
    /// A version-1 (flat) object as the version-2 overlay it means against <paramref name="current"/>'s kinds. Options
    /// added after version 1 (<c>normalize_observations_until</c>, <c>algo.noise_shrinkage</c>) are set off.
    /// </summary>
    private static JsonObject MigrateV1(JsonObject flat, string source, TrainConfig current, bool box)
    {
        foreach (var key in new[] { "policy", "baseline", "algo" })
            if (flat[key] is JsonObject)
                throw new ConfigException($"{source}: has no format_version, so it is read as version 1, where '{key}' is a string; add \"format_version\": 2 for the nested format");
        string? policy = StringAt(flat, "policy", source + ": policy");
        string? baseline = StringAt(flat, "baseline", source + ": baseline") is { } b ? (b == "linear" ? "polynomial" : b) : null;
        string? algo = StringAt(flat, "algo", source + ": algo");
        var kinds = new Dictionary<string, string>
        {
            ["policy"] = policy ?? current.Policy.Kind,
            ["baseline"] = baseline ?? current.Baseline.Kind,
            ["algo"] = algo ?? current.AlgoName,
        };
        var v2 = new JsonObject();
        JsonObject Child(string name) => v2[name] as JsonObject ?? (JsonObject)(v2[name] = new JsonObject());
        if (policy is not null) Child("policy")["kind"] = policy;
        if (baseline is not null) Child("baseline")["kind"] = baseline;
        if (algo is not null) Child("algo")["name"] = algo;
        foreach (var (key, value) in flat)
        {
            if (key is "policy" or "baseline" or "algo") continue;
            if (V1Top.Contains(key))
            {
                v2[key] = value?.DeepClone();
            }
            else if (key == "npg_step")
            {
                if (kinds["algo"] == "npg" && value?.ToJsonString() != "\"normalized\"")
                    throw new ConfigException($"{source}: npg_step {Show(value)} is not supported any more; npg takes the normalised step (algo.max_kl)");
            }
            else if (V1.TryGetValue(key, out var to))
            {
                bool applies = to.Kinds?.Contains(kinds[to.Object]) ?? box;
                if (applies) Child(to.Object)[to.Key] = value?.DeepClone();
            }
            else
            {
                var all = V1Top.Concat(V1.Keys).Concat(["policy", "baseline", "algo", "npg_step"]).ToArray();
                throw new ConfigException($"{source}: unknown config key '{key}'{Hint(key, all)} (a version-1 file: no format_version); keys: {string.Join(", ", all)}");
            }
        }
        // Version 1 had neither option: a version-1 file means them off, so a resumed version-1 run continues as it began.
        v2["normalize_observations_until"] = 0;
        if (kinds["algo"] is "npg" or "trpo") Child("algo")["noise_shrinkage"] = false;
        return v2;
    }

    private static int Levenshtein(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
