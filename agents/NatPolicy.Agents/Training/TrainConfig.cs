using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace NatPolicy.Agents.Training;

/// <summary>
/// Everything that defines a training run, saved as the run's <c>config.json</c> (format version
/// <see cref="FormatVersion"/>, snake_case keys, nested by concern: <c>policy</c>, <c>baseline</c>, <c>algo</c>).
/// Each nested object is one sealed record per kind carrying only the fields that apply to that kind, so the saved
/// config says exactly what ran. Defaults: the property initialisers here and in the spec records are the generic
/// defaults; <see cref="TrainDefaults.For"/> is the one place with per-environment values. Same config (including
/// <see cref="Seed"/>) ⇒ same <c>progress.csv</c>, bit for bit. Reading, overlaying and migrating files is
/// <c>NatPolicy.Experiments.Configuration.ConfigResolver</c>'s job.
/// </summary>
public sealed record TrainConfig
{
    /// <summary>The config.json format this code writes. 1: the flat format before nesting (migrated on load).</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>Always <see cref="CurrentFormatVersion"/>; written first.</summary>
    [JsonPropertyOrder(-1)]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "An instance property so that it is serialised into config.json.")]
    public int FormatVersion => CurrentFormatVersion;

    /// <summary>Gymnasium id of the environment, e.g. "CartPole-v1". Default "CartPole-v1".</summary>
    public string EnvId { get; init; } = "CartPole-v1";

    /// <summary>The run's one seed (0 … 2⁶⁴−1): env resets, action sampling and initialisation derive from it. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Environment steps to train for, 1 … 10¹² (the run stops after the iteration that reaches it). Default 100000.</summary>
    public long TotalSteps { get; init; } = 100_000;

    /// <summary>Minimum environment steps per iteration (B), 1 … 10⁷, rounded up to a multiple of <see cref="NumEnvs"/>. Default 2000.</summary>
    public int StepsPerIteration { get; init; } = 2_000;

    /// <summary>Copies of the environment stepped together, 1 … 1024. Default 8.</summary>
    public int NumEnvs { get; init; } = 8;

    /// <summary>Discount factor γ ∈ [0, 1]. Default 0.99.</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>GAE λ ∈ [0, 1]; 1 is reward-to-go minus the baseline. Default 0.97.</summary>
    public double GaeLambda { get; init; } = 0.97;

    /// <summary>Shift and scale the batch's advantages to mean 0, std 1 before the gradient. Default true.</summary>
    public bool NormalizeAdvantages { get; init; } = true;

    /// <summary>
    /// Normalise observations by running mean and variance (saved with the policy, frozen at evaluation). Default true.
    /// An affine change of a linear policy's inputs is a change of coordinates the natural step is invariant to (λ = 0),
    /// so for npg/trpo normalisation is only a frozen affine map; it is not that for random-Fourier-feature policies
    /// (the features of normalised inputs are a different family) nor while the running statistics move (the map
    /// changes between iterations).
    /// </summary>
    public bool NormalizeObservations { get; init; } = true;

    /// <summary>
    /// Freeze the observation normaliser's running mean and variance once this many env steps have been collected
    /// (checked at the start of each iteration), 0 … 10¹²; 0 keeps updating them for the whole run (SB3's
    /// VecNormalize). Used only with <see cref="NormalizeObservations"/>. Default 0.
    /// </summary>
    public long NormalizeObservationsUntil { get; init; }

    /// <summary>Write a checkpoint every this many iterations, 0 … 10⁶ (0: only the final one). Default 10.</summary>
    public int CheckpointEvery { get; init; } = 10;

    /// <summary>
    /// Evaluate the policy every this many iterations, 0 … 10⁶ (0: never): <see cref="EvalEpisodes"/> whole episodes
    /// with deterministic actions on a separate env copy (reset seeds 2,000,000,000 + k, the same at every evaluation),
    /// one row of <c>eval.csv</c> each, and the best policy so far kept as <c>best_policy.json</c>. Does not change
    /// training (progress.csv is the same with or without it). Default 0: off, as in SB3 without an EvalCallback.
    /// </summary>
    public int EvalEvery { get; init; }

    /// <summary>Episodes per evaluation when <see cref="EvalEvery"/> &gt; 0, 1 … 10⁴. Default 5 (SB3 EvalCallback's n_eval_episodes).</summary>
    public int EvalEpisodes { get; init; } = 5;

    /// <summary>The policy's features (and, for box actions, its initial log σ). Default linear.</summary>
    public PolicySpec Policy { get; init; } = new LinearPolicyConfig();

    /// <summary>The value baseline of the advantages. Default the 32×32 MLP critic.</summary>
    public BaselineSpec Baseline { get; init; } = new MlpBaselineConfig();

    /// <summary>The update rule and its settings. Default npg.</summary>
    public AlgoSpec Algo { get; init; } = new NpgConfig();

    /// <summary>The update rule's name: "vpg", "npg", "trpo" or "nac" (one of <see cref="Algos"/>).</summary>
    [JsonIgnore]
    public string AlgoName => Algo.Name;

    /// <summary>The names of the update rules, in the order the CLI lists them.</summary>
    public static IReadOnlyList<string> Algos { get; } = ["vpg", "npg", "trpo", "nac"];

    /// <summary>
    /// config.json's settings: snake_case, indented, unknown or repeated keys refused, nullable annotations respected;
    /// no named floating-point literals (NaN/Infinity are refused, never written). The type metadata is
    /// <paramref name="metadata"/> where it has a type, else built by reflection.
    /// </summary>
    public static JsonSerializerOptions JsonOptions(IJsonTypeInfoResolver? metadata = null) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowOutOfOrderMetadataProperties = true,
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
        TypeInfoResolver = metadata is null ? new DefaultJsonTypeInfoResolver() : JsonTypeInfoResolver.Combine(metadata, new DefaultJsonTypeInfoResolver()),
    };

    /// <summary>
    /// <see cref="JsonOptions"/> with metadata built by reflection. The natpolicy tool reads and writes configs with
    /// <c>NatPolicy.Experiments.Configuration.ConfigJson</c> instead: the same text, from metadata generated at compile
    /// time in an assembly the Release build precompiles (this one stays JIT-compiled for its kernels' sake).
    /// </summary>
    public static readonly JsonSerializerOptions Json = JsonOptions();

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Steps actually collected per iteration and env copy: B rounded up to a multiple of the env count.</summary>
    public int RolloutLength() => (StepsPerIteration + NumEnvs - 1) / NumEnvs;

    /// <summary>One line for every invalid value, each naming its key path (empty when the config is valid).</summary>
    /// <param name="boxActions">Whether the env's actions are a box (Gaussian head): <c>policy.init_log_std</c> is required there and refused otherwise.</param>
    public IEnumerable<string> Problems(bool boxActions)
    {
        var p = new List<string>();
        ConfigCheck.Range(p, "total_steps", TotalSteps, 1, 1_000_000_000_000);
        ConfigCheck.Range(p, "steps_per_iteration", StepsPerIteration, 1, 10_000_000);
        ConfigCheck.Range(p, "num_envs", NumEnvs, 1, 1024);
        ConfigCheck.Unit(p, "gamma", Gamma);
        ConfigCheck.Unit(p, "gae_lambda", GaeLambda);
        ConfigCheck.Range(p, "checkpoint_every", CheckpointEvery, 0, 1_000_000);
        ConfigCheck.Range(p, "eval_every", EvalEvery, 0, 1_000_000);
        ConfigCheck.Range(p, "eval_episodes", EvalEpisodes, 1, 10_000);
        ConfigCheck.Range(p, "normalize_observations_until", NormalizeObservationsUntil, 0, 1_000_000_000_000);
        Policy.AddProblems(p, "policy", boxActions);
        Baseline.AddProblems(p, "baseline");
        Algo.AddProblems(p, "algo");
        if (Algo is NaturalGradientConfig { Curvature: "kfac" } && Policy is RffPolicyConfig)
            p.Add("algo.curvature 'kfac' needs policy.kind 'mlp' or 'linear' (got 'rff')");
        return p;
    }
}

/// <summary>Range checks shared by the config records; each adds one line naming the key path.</summary>
public static class ConfigCheck
{
    public static void Range(List<string> problems, string key, long value, long min, long max)
    {
        if (value < min || value > max)
            problems.Add($"{key} must be an integer in [{min}, {max}] (got {value})");
    }

    /// <summary>A finite number &gt; 0 (and ≤ <paramref name="max"/>).</summary>
    public static void Positive(List<string> problems, string key, double value, double max = double.MaxValue)
    {
        if (!(value > 0 && value <= max))
            problems.Add(max == double.MaxValue
                ? $"{key} must be a finite number > 0 (got {Core.Fmt.D(value)})"
                : $"{key} must be a number in (0, {Core.Fmt.D(max)}] (got {Core.Fmt.D(value)})");
    }

    public static void NonNegative(List<string> problems, string key, double value)
    {
        if (!(value >= 0 && double.IsFinite(value))) problems.Add($"{key} must be a finite number ≥ 0 (got {Core.Fmt.D(value)})");
    }

    /// <summary>A number in [0, 1].</summary>
    public static void Unit(List<string> problems, string key, double value)
    {
        if (!(value >= 0 && value <= 1)) problems.Add($"{key} must be a number in [0, 1] (got {Core.Fmt.D(value)})");
    }

    /// <summary>1 … 16 hidden layers of 1 … 4096 units.</summary>
    public static void Layers(List<string> problems, string key, int[] sizes)
    {
        if (sizes.Length is < 1 or > 16 || sizes.Any(h => h is < 1 or > 4096))
            problems.Add($"{key} must be a list of 1 to 16 layer sizes, each in [1, 4096] (got [{string.Join(", ", sizes)}])");
    }
}

/// <summary>A config that cannot be used; the message is one line naming the key or value.</summary>
public sealed class ConfigException(string message) : NatPolicy.Core.InputException(message);
