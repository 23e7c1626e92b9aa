using System.Text;
using System.Text.Json;
using NatPolicy.Core;

namespace NatPolicy.Envs.Reference;

/// <summary>One recorded step: the action applied and what the env returned (state = internal state after the step).</summary>
public sealed record ReferenceStep(double[] Action, double[] Obs, double[] State, double Reward, bool Terminated, bool Truncated);

/// <summary>
/// One recorded episode. Replay: set the state to <see cref="InitialState"/>, apply each step's action in turn.
/// <see cref="PostTerminalSteps"/>: CartPole's extra steps after termination (null when absent).
/// </summary>
public sealed record ReferenceEpisode(
    long Seed,
    string ActionSource,
    double[] InitialState,
    double[] InitialObs,
    IReadOnlyList<ReferenceStep> Steps,
    IReadOnlyList<ReferenceStep>? PostTerminalSteps,
    int Length,
    double Return);

/// <summary>The reference file's action generator constants (A and C exceed 2^53: read as ulong).</summary>
public sealed record LcgSpec(ulong A, ulong C);

/// <summary>
/// A Gymnasium reference trajectory file (see the reference README): env id, time limit, episodes of recorded steps.
/// <see cref="Load"/> reads any file in that format; every problem is a <see cref="ReferenceFormatException"/>.
/// Doubles are stored as shortest round-trip strings, so <see cref="Save"/> and <see cref="Load"/> are exact.
/// </summary>
public sealed record ReferenceFile(
    string EnvId,
    int MaxEpisodeSteps,
    double? RewardThreshold,
    LcgSpec? Lcg,
    IReadOnlyList<ReferenceEpisode> Episodes)
{
    /// <summary>Where the file was read from (for messages), or null.</summary>
    public string? SourcePath { get; init; }

    public string? ActionSpace { get; init; }
    public string? ObservationSpace { get; init; }
    public string? GymnasiumVersion { get; init; }
    public string? Commit { get; init; }

    /// <summary>Reads and validates a reference file (env id registered, dimensions consistent with the env).</summary>
    public static ReferenceFile Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ReferenceFormatException($"{path}: file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ReferenceFormatException($"{path}: cannot read the file: {OneLine(e.Message)}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses the JSON text of a reference file; <paramref name="name"/> is used in messages.</summary>
    public static ReferenceFile Parse(ReadOnlySpan<byte> utf8Json, string name)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8Json.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new ReferenceFormatException($"{name}: not valid JSON: {OneLine(e.Message)}", e);
        }
        using (doc)
        {
            var r = new Reader(name);
            return r.File(doc.RootElement);
        }
    }

    /// <summary>Writes the file in the reference format (the fields <see cref="Load"/> reads, plus the metadata
    /// present), through a temporary file and a rename, so an interrupted write never leaves a partial file.</summary>
    public void Save(string path)
    {
        string tmp = path + ".tmp";
        using (var stream = File.Create(tmp))
            Write(stream);
        File.Move(tmp, path, overwrite: true);
    }

    private void Write(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteString("env_id", EnvId);
        w.WriteNumber("max_episode_steps", MaxEpisodeSteps);
        if (RewardThreshold is { } t) w.WriteNumber("reward_threshold", t); else w.WriteNull("reward_threshold");
        if (ActionSpace is not null) w.WriteString("action_space", ActionSpace);
        if (ObservationSpace is not null) w.WriteString("observation_space", ObservationSpace);
        if (GymnasiumVersion is not null) w.WriteString("gymnasium_version", GymnasiumVersion);
        if (Commit is not null) w.WriteString("commit", Commit);
        if (Lcg is not null)
        {
            w.WriteStartObject("lcg");
            w.WriteNumber("A", Lcg.A);
            w.WriteNumber("C", Lcg.C);
            w.WriteEndObject();
        }
        bool discrete = EnvRegistry.MakeUnwrapped(EnvId).ActionSpace is DiscreteSpace;
        w.WriteStartArray("episodes");
        foreach (var e in Episodes)
        {
            w.WriteStartObject();
            w.WriteNumber("seed", e.Seed);
            w.WriteString("action_source", e.ActionSource);
            w.WriteNull("reset_options");
            WriteArray(w, "initial_state", e.InitialState);
            WriteArray(w, "initial_obs", e.InitialObs);
            w.WriteNumber("length", e.Length);
            w.WriteNumber("return", e.Return);
            WriteSteps(w, "steps", e.Steps, discrete);
            if (e.PostTerminalSteps is not null) WriteSteps(w, "post_terminal_steps", e.PostTerminalSteps, discrete);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSteps(Utf8JsonWriter w, string name, IReadOnlyList<ReferenceStep> steps, bool discrete)
    {
        w.WriteStartArray(name);
        foreach (var s in steps)
        {
            w.WriteStartObject();
            if (discrete && s.Action.Length == 1) w.WriteNumber("action", (long)s.Action[0]);
            else if (s.Action.Length == 1) w.WriteNumber("action", s.Action[0]);
            else WriteArray(w, "action", s.Action);
            WriteArray(w, "obs", s.Obs);
            WriteArray(w, "state", s.State);
            w.WriteNumber("reward", s.Reward);
            w.WriteBoolean("terminated", s.Terminated);
            w.WriteBoolean("truncated", s.Truncated);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteArray(Utf8JsonWriter w, string name, double[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");

    /// <summary>Field access with messages naming the file and the JSON path.</summary>
    private sealed class Reader(string name)
    {
        public ReferenceFile File(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object) throw Fail("", $"the top level must be an object (got {root.ValueKind})");
            string envId = String(root, "env_id", "");
            IStatefulEnv env;
            try
            {
                env = EnvRegistry.MakeStateful(envId);
            }
            catch (ArgumentException e)
            {
                throw Fail("env_id", OneLine(e.Message), e);
            }
            int maxSteps = Int(root, "max_episode_steps", "");
            if (maxSteps < 1) throw Fail("max_episode_steps", $"must be at least 1 (got {maxSteps})");
            double? threshold = root.TryGetProperty("reward_threshold", out var th) && th.ValueKind != JsonValueKind.Null
                ? Number(th, "reward_threshold") : null;
            LcgSpec? lcg = null;
            if (root.TryGetProperty("lcg", out var l) && l.ValueKind != JsonValueKind.Null)
                lcg = new LcgSpec(ULong(l, "A", "lcg"), ULong(l, "C", "lcg"));
            var episodesEl = Get(root, "episodes", "");
            if (episodesEl.ValueKind != JsonValueKind.Array) throw Fail("episodes", "must be an array");
            var episodes = new List<ReferenceEpisode>();
            int i = 0;
            foreach (var e in episodesEl.EnumerateArray())
                episodes.Add(Episode(e, $"episodes[{i++}]", env));
            if (episodes.Count == 0) throw Fail("episodes", "is empty");
            return new ReferenceFile(envId, maxSteps, threshold, lcg, episodes)
            {
                SourcePath = name,
                ActionSpace = OptionalString(root, "action_space"),
                ObservationSpace = OptionalString(root, "observation_space"),
                GymnasiumVersion = OptionalString(root, "gymnasium_version"),
                Commit = OptionalString(root, "commit"),
            };
        }

        private ReferenceEpisode Episode(JsonElement e, string at, IStatefulEnv env)
        {
            if (e.ValueKind != JsonValueKind.Object) throw Fail(at, "must be an object");
            int stateDim = env.State.Length, obsDim = env.ObservationSpace.Dimension;
            long seed = e.TryGetProperty("seed", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out long sv) ? sv : -1;
            string source = OptionalString(e, "action_source") ?? "unknown";
            var initialState = Vector(e, "initial_state", at, stateDim);
            var initialObs = Vector(e, "initial_obs", at, obsDim);
            var steps = Steps(e, "steps", at, env, required: true)!;
            var post = Steps(e, "post_terminal_steps", at, env, required: false);
            int length = e.TryGetProperty("length", out var len) && len.ValueKind != JsonValueKind.Null ? Int(e, "length", at) : steps.Count;
            if (length != steps.Count) throw Fail($"{at}.length", $"is {length} but the episode has {steps.Count} steps");
            double ret = e.TryGetProperty("return", out var rv) && rv.ValueKind != JsonValueKind.Null ? Number(rv, $"{at}.return") : double.NaN;
            return new ReferenceEpisode(seed, source, initialState, initialObs, steps, post, length, ret);
        }

        private List<ReferenceStep>? Steps(JsonElement e, string field, string at, IStatefulEnv env, bool required)
        {
            if (!e.TryGetProperty(field, out var arr) || arr.ValueKind == JsonValueKind.Null)
                return required ? throw Fail($"{at}.{field}", "is missing") : null;
            if (arr.ValueKind != JsonValueKind.Array) throw Fail($"{at}.{field}", "must be an array");
            int stateDim = env.State.Length, obsDim = env.ObservationSpace.Dimension, actDim = env.ActionSpace.Dimension;
            var list = new List<ReferenceStep>();
            int k = 0;
            foreach (var st in arr.EnumerateArray())
            {
                string p = $"{at}.{field}[{k++}]";
                if (st.ValueKind != JsonValueKind.Object) throw Fail(p, "must be an object");
                var actionEl = Get(st, "action", p);
                double[] action = actionEl.ValueKind == JsonValueKind.Array
                    ? Vector(st, "action", p, actDim)
                    : [Number(actionEl, $"{p}.action")];
                if (action.Length != actDim) throw Fail($"{p}.action", $"has {action.Length} values; {env.ActionSpace} takes {actDim}");
                if (env.ActionSpace is DiscreteSpace && env.ActionSpace.Explain(action) is { } why)
                    throw Fail($"{p}.action", why);
                list.Add(new ReferenceStep(
                    action,
                    Vector(st, "obs", p, obsDim),
                    Vector(st, "state", p, stateDim),
                    Number(Get(st, "reward", p), $"{p}.reward"),
                    Bool(st, "terminated", p),
                    Bool(st, "truncated", p)));
            }
            return list;
        }

        private JsonElement Get(JsonElement obj, string field, string at)
        {
            if (obj.ValueKind != JsonValueKind.Object) throw Fail(at, "must be an object");
            return obj.TryGetProperty(field, out var v) ? v : throw Fail(Join(at, field), "is missing");
        }

        private string String(JsonElement obj, string field, string at)
        {
            var v = Get(obj, field, at);
            return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Fail(Join(at, field), $"must be a string (got {v.ValueKind})");
        }

        private static string? OptionalString(JsonElement obj, string field) =>
            obj.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private int Int(JsonElement obj, string field, string at)
        {
            var v = Get(obj, field, at);
            return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int x) ? x : throw Fail(Join(at, field), $"must be an integer (got {v.GetRawText()})");
        }

        private ulong ULong(JsonElement obj, string field, string at)
        {
            var v = Get(obj, field, at);
            return v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out ulong x) ? x : throw Fail(Join(at, field), $"must be an unsigned 64-bit integer (got {v.GetRawText()})");
        }

        private double Number(JsonElement v, string at) =>
            v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double x) ? x : throw Fail(at, $"must be a number (got {Short(v)})");

        private bool Bool(JsonElement obj, string field, string at)
        {
            var v = Get(obj, field, at);
            return v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Fail(Join(at, field), $"must be true or false (got {Short(v)})"),
            };
        }

        private double[] Vector(JsonElement obj, string field, string at, int expectedLength)
        {
            var v = Get(obj, field, at);
            string p = Join(at, field);
            if (v.ValueKind != JsonValueKind.Array) throw Fail(p, $"must be an array of numbers (got {Short(v)})");
            int n = v.GetArrayLength();
            if (n != expectedLength) throw Fail(p, $"has {n} values; expected {expectedLength}");
            var result = new double[n];
            int i = 0;
            foreach (var x in v.EnumerateArray()) result[i] = Number(x, $"{p}[{i++}]");
            return result;
        }

        private static string Join(string at, string field) => at.Length == 0 ? field : $"{at}.{field}";

        private static string Short(JsonElement v)
        {
            string raw = v.GetRawText();
            return raw.Length <= 40 ? raw : raw[..40] + "…";
        }

        private ReferenceFormatException Fail(string at, string problem, Exception? inner = null) =>
            new(OneLine(at.Length == 0 ? $"{name}: {problem}" : $"{name}: {at} {problem}"), inner);
    }
}
