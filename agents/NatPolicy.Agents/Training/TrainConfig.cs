using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace NatPolicy.Agents.Training;

/// <summary>
/// Everything that defines a training run. Saved as the run's <c>config.json</c> (snake_case keys); a config file
/// given with <c>--config</c> overrides <see cref="Defaults"/> key by key, and command-line flags override both.
/// Same config (including <see cref="Seed"/>) ⇒ same <c>progress.csv</c>, bit for bit.
/// </summary>
public sealed record TrainConfig
{
    /// <summary>Gymnasium id of the environment, e.g. "CartPole-v1".</summary>
    public string EnvId { get; init; } = "CartPole-v1";

    /// <summary>Update rule: "vpg" (gradient ascent), "npg" (Kakade's natural gradient), "trpo" (natural direction + line search).</summary>
    public string Algo { get; init; } = "npg";

    /// <summary>The run's one seed: environment resets, action sampling and policy initialisation all derive from it.</summary>
    public ulong Seed { get; init; }

    /// <summary>Environment steps to train for (the run stops after the iteration that reaches it).</summary>
    public long TotalSteps { get; init; } = 100_000;

    /// <summary>Minimum environment steps collected per iteration (B), rounded up to a multiple of <see cref="NumEnvs"/>.</summary>
    public int StepsPerIteration { get; init; } = 2_000;

    /// <summary>Copies of the environment stepped together.</summary>
    public int NumEnvs { get; init; } = 8;

    /// <summary>Discount factor γ ∈ [0, 1].</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>GAE λ ∈ [0, 1]; 1 is reward-to-go minus the baseline.</summary>
    public double GaeLambda { get; init; } = 0.97;

    /// <summary>Shift and scale the batch's advantages to mean 0, std 1 before the gradient.</summary>
    public bool NormalizeAdvantages { get; init; } = true;

    /// <summary>Normalise observations by running mean and variance (saved with the policy, frozen at evaluation).</summary>
    public bool NormalizeObservations { get; init; } = true;

    /// <summary>Policy features: "linear" (observation + bias), "rff" (random Fourier features), "mlp" (tanh network).</summary>
    public string Policy { get; init; } = "linear";

    /// <summary>Hidden layer sizes of the "mlp" policy.</summary>
    public int[] HiddenSizes { get; init; } = [32, 32];

    /// <summary>Number of random Fourier features of the "rff" policy.</summary>
    public int RffFeatures { get; init; } = 64;

    /// <summary>Bandwidth ν of the random Fourier features (φ = sin(Ps/ν + φ₀)).</summary>
    public double RffBandwidth { get; init; } = 1.0;

    /// <summary>Initial log standard deviation of a Gaussian policy (box actions).</summary>
    public double InitLogStd { get; init; } = 0.0;

    /// <summary>
    /// Baseline for advantages: "mlp" (tanh network fitted by minibatch Adam), "rff" (random Fourier + polynomial
    /// features) or "linear" (rllab's polynomial features), the last two fitted by ridge least squares, or "none".
    /// Default "mlp": with the polynomial baseline linear-softmax NPG stalls on CartPole-v1 (the cart drifts off at
    /// ≈ 200–250 steps; 6/10 seeds reach 475 within 100k, median 63k) and Acrobot-v1 seeds stay at −500 (no signal
    /// before a first success); with the MLP critic 10/10 and 9–10/10 (see the README's results). "rff" does nearly as
    /// well there and is the Pendulum-v1 default.
    /// </summary>
    public string Baseline { get; init; } = "mlp";

    /// <summary>
    /// Give the baseline rllab's time-in-episode features τ, τ², τ³ (τ = t/100). Off by default: truncation is
    /// bootstrapped, so a state's value does not depend on the clock.
    /// </summary>
    public bool BaselineTimeFeatures { get; init; }

    /// <summary>Number of random Fourier features of the "rff" baseline.</summary>
    public int BaselineFeatures { get; init; } = 100;

    /// <summary>Bandwidth ν of the "rff" baseline's features.</summary>
    public double BaselineBandwidth { get; init; } = 1.0;

    /// <summary>
    /// Hidden layer sizes of the "mlp" baseline. 32×32 fits the classic-control values as well as 64×64 did in our
    /// sweeps at about a quarter of the cost (the critic fit dominates an iteration's time with a linear policy).
    /// </summary>
    public int[] BaselineHiddenSizes { get; init; } = [32, 32];

    /// <summary>"mlp" baseline: passes over the batch per iteration (5 × B/64 ≈ 160 Adam steps for B = 2000: enough to track the changing values, cheap enough for a sub-second CartPole run).</summary>
    public int BaselineEpochs { get; init; } = 5;

    /// <summary>"mlp" baseline: rows per Adam step (SB3 uses 64–128 for its critics).</summary>
    public int BaselineMinibatch { get; init; } = 64;

    /// <summary>"mlp" baseline: Adam learning rate (the targets are standardised, so it needs no per-env scale; 1e-3 is SB3's TRPO critic rate).</summary>
    public double BaselineLearningRate { get; init; } = 1e-3;

    /// <summary>Initial ridge coefficient of the linear baseline's least-squares fit.</summary>
    public double BaselineRidge { get; init; } = 1e-5;

    /// <summary>vpg: "adam" or "sgd" (θ += α g).</summary>
    public string Optimizer { get; init; } = "adam";

    /// <summary>vpg: learning rate α; npg with <see cref="NpgStep"/> = "fixed": the fixed rate α in θ += α F⁻¹g.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>npg: "normalized" (α = sqrt(2δ / gᵀF⁻¹g), the KL moves by about δ) or "fixed" (α = <see cref="LearningRate"/>).</summary>
    public string NpgStep { get; init; } = "normalized";

    /// <summary>npg/trpo: the KL step size δ &gt; 0 (trpo: the trust region, mean KL ≤ δ).</summary>
    public double MaxKl { get; init; } = 0.01;

    /// <summary>npg: Fisher estimator "exact" (expectation over actions), "empirical" (sampled scores) or "matrix-free" (products only).</summary>
    public string Fisher { get; init; } = "exact";

    /// <summary>npg: solver for (F + λI)x = g: "cholesky" (dense), "pinv" (dense pseudo-inverse) or "cg" (conjugate gradient). trpo always uses cg.</summary>
    public string Solver { get; init; } = "cholesky";

    /// <summary>Damping λ ≥ 0 added to the Fisher.</summary>
    public double Damping { get; init; } = 1e-4;

    /// <summary>Maximum conjugate-gradient iterations.</summary>
    public int CgIterations { get; init; } = 10;

    /// <summary>Conjugate gradient stops when the residual norm is below this.</summary>
    public double CgTolerance { get; init; } = 1e-10;

    /// <summary>trpo: each backtracking step multiplies the step by this ratio ∈ (0, 1).</summary>
    public double BacktrackRatio { get; init; } = 0.8;

    /// <summary>trpo: maximum number of backtracking steps (the full step is tried first).</summary>
    public int MaxBacktracks { get; init; } = 10;

    /// <summary>Write a checkpoint every this many iterations (0: never).</summary>
    public int CheckpointEvery { get; init; } = 10;

    /// <summary>
    /// Freeze the observation normaliser's running mean and variance once this many environment steps have been
    /// collected (checked at the start of each iteration); 0 keeps updating it for the whole run (SB3's VecNormalize).
    /// </summary>
    public long NormalizeObservationsUntil { get; init; }

    /// <summary>
    /// npg/trpo: multiply the natural step by the James–Stein factor f = (1 − noise / gᵀF⁻¹g)₊ ∈ [0, 1], the estimated
    /// fraction of gᵀF⁻¹g that is signal, with the noise estimated from the spread of the per-copy gradients across
    /// the <see cref="NumEnvs"/> independent env copies (the KL moved is then about f²δ; f = 0 leaves θ unchanged).
    /// Off (false) gives the papers' step, which moves the KL by δ every iteration whatever the evidence.
    /// </summary>
    public bool NoiseShrinkage { get; init; }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static IReadOnlyList<string> Algos { get; } = ["vpg", "npg", "trpo"];

    /// <summary>
    /// The defaults for an environment and algorithm: what works out of the box. Common to all: the "mlp" value
    /// baseline, δ = 0.01 (TRPO's), γ = 0.99, GAE λ = 0.97, B = 2000 over 8 envs, observation normalisation (NPG and
    /// TRPO are invariant to it up to the damping; vanilla gradient needs it). Per environment:
    /// <list type="bullet">
    /// <item>CartPole-v1, Acrobot-v1: linear softmax policy (enough for both once the critic is good; ≈ 5× cheaper per
    /// step than 64 random features, so a CartPole NPG run reaches 475 in well under a second). All at 100k steps
    /// (the zoo's budgets). CartPole npg/trpo: <see cref="NoiseShrinkage"/> on (the solved level is kept; see
    /// docs/stability.md); vpg: Adam α = 0.02 on B = 1000. Acrobot: δ = 0.03.</item>
    /// <item>Pendulum-v1: Gaussian policy on 100 random Fourier features, γ = 0.9 (zoo), λ = 0.95, σ₀ = e^−0.5,
    /// B = 2000, δ = 0.03, a 64×64 MLP critic with 10 epochs; 100k steps.</item>
    /// <item>MountainCar-v0, MountainCarContinuous-v0: no tuning (exploration-hard: the reward gives no signal until
    /// the goal is reached by chance); 300k steps.</item>
    /// </list>
    /// trpo always uses the matrix-free Fisher with CG (its line search needs only products).
    /// </summary>
    public static TrainConfig Defaults(string envId, string algo)
    {
        var c = new TrainConfig { EnvId = envId, Algo = algo };
        c = envId switch
        {
            // Noise shrinkage stops the δ-sized random walk of the natural step once the task is solved and the
            // batch gradient is only noise (docs/stability.md: without it 3–5 of 10 seeds slide from 500 to 190–400).
            // vpg: Adam α = 0.02 on B = 1000 (100 updates in 100k steps; α = 0.01 on B = 2000 needed a median 116k).
            "CartPole-v1" => algo == "vpg"
                ? c with { StepsPerIteration = 1_000, LearningRate = 0.02 }
                : c with { NoiseShrinkage = true },
            // δ = 0.03: with δ = 0.01 3/10 npg seeds had not reached −90 at 100k (docs/stability.md).
            "Acrobot-v1" => c with { MaxKl = 0.03 },
            "MountainCar-v0" => c with { TotalSteps = 300_000 },
            "MountainCarContinuous-v0" => c with { TotalSteps = 300_000 },
            // Swing-up needs a non-linear policy: random Fourier features (Rajeswaran et al. 2017), the zoo's short
            // horizon γ = 0.9 (dense reward; the task is about the next second or two), a calmer start (σ = e^−0.5),
            // B = 2000 and δ = 0.03 (more, larger steps; δ = 0.05 let a seed collapse late), and a 64×64 MLP critic with 10 epochs (the bootstrap at the
            // 200-step truncation needs a sharp value): trpo reaches −200 in a median 64k steps (docs/stability.md).
            "Pendulum-v1" => c with
            {
                Policy = "rff", RffFeatures = 100, Gamma = 0.9, GaeLambda = 0.95, InitLogStd = -0.5,
                StepsPerIteration = 2_000, MaxKl = 0.03, BaselineHiddenSizes = [64, 64], BaselineEpochs = 10,
            },
            _ => c,
        };
        return algo == "trpo" ? c with { Solver = "cg", Fisher = "matrix-free" } : c;
    }

    /// <summary>The JSON key of each property (snake_case), for messages and validation.</summary>
    public static IReadOnlyList<string> Keys { get; } =
        typeof(TrainConfig).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => p.Name != "EqualityContract").Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name)).ToArray();

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// Applies the keys of a JSON object on top of <paramref name="baseline"/>. Unknown keys, wrong types and
    /// malformed JSON throw <see cref="ConfigException"/> with a one-line message naming the key.
    /// </summary>
    public static TrainConfig Overlay(TrainConfig baseline, string json, string source)
    {
        JsonObject overlay;
        try
        {
            overlay = JsonNode.Parse(json) as JsonObject
                ?? throw new ConfigException($"{source}: the config must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{source}: malformed JSON ({e.Message.Split('\n')[0]})");
        }
        var merged = JsonNode.Parse(baseline.ToJson())!.AsObject();
        foreach (var (key, value) in overlay)
        {
            if (!merged.ContainsKey(key))
            {
                string hint = Keys.OrderBy(k => Levenshtein(k, key)).First();
                throw new ConfigException($"{source}: unknown config key '{key}' (did you mean '{hint}'?); keys: {string.Join(", ", Keys)}");
            }
            merged[key] = value?.DeepClone();
        }
        try
        {
            return merged.Deserialize<TrainConfig>(Json) ?? throw new ConfigException($"{source}: empty config");
        }
        catch (JsonException e)
        {
            string key = e.Path is { } p ? p.TrimStart('$', '.') : "?";
            throw new ConfigException($"{source}: config key '{key}' has a value of the wrong type");
        }
    }

    /// <summary>One line for every invalid value (empty when the config is valid).</summary>
    public IEnumerable<string> Problems()
    {
        if (!Algos.Contains(Algo)) yield return $"algo '{Algo}' is unknown; allowed: {string.Join(", ", Algos)}";
        if (TotalSteps <= 0) yield return $"total_steps must be positive (got {TotalSteps})";
        if (StepsPerIteration <= 0) yield return $"steps_per_iteration must be positive (got {StepsPerIteration})";
        if (NumEnvs <= 0) yield return $"num_envs must be positive (got {NumEnvs})";
        if (!(Gamma >= 0 && Gamma <= 1)) yield return $"gamma must be in [0, 1] (got {Gamma})";
        if (!(GaeLambda >= 0 && GaeLambda <= 1)) yield return $"gae_lambda must be in [0, 1] (got {GaeLambda})";
        if (Policy is not ("linear" or "rff" or "mlp")) yield return $"policy '{Policy}' is unknown; allowed: linear, rff, mlp";
        if (HiddenSizes.Length == 0 || HiddenSizes.Any(h => h <= 0)) yield return "hidden_sizes must be a non-empty list of positive sizes";
        if (RffFeatures <= 0) yield return $"rff_features must be positive (got {RffFeatures})";
        if (!(RffBandwidth > 0)) yield return $"rff_bandwidth must be positive (got {RffBandwidth})";
        if (!double.IsFinite(InitLogStd)) yield return "init_log_std must be finite";
        if (Baseline is not ("linear" or "rff" or "mlp" or "none")) yield return $"baseline '{Baseline}' is unknown; allowed: linear, rff, mlp, none";
        if (BaselineHiddenSizes.Length == 0 || BaselineHiddenSizes.Any(h => h <= 0)) yield return "baseline_hidden_sizes must be a non-empty list of positive sizes";
        if (BaselineEpochs <= 0) yield return $"baseline_epochs must be positive (got {BaselineEpochs})";
        if (BaselineMinibatch <= 0) yield return $"baseline_minibatch must be positive (got {BaselineMinibatch})";
        if (!(BaselineLearningRate > 0)) yield return $"baseline_learning_rate must be positive (got {BaselineLearningRate})";
        if (BaselineFeatures <= 0) yield return $"baseline_features must be positive (got {BaselineFeatures})";
        if (!(BaselineBandwidth > 0)) yield return $"baseline_bandwidth must be positive (got {BaselineBandwidth})";
        if (!(BaselineRidge > 0)) yield return $"baseline_ridge must be positive (got {BaselineRidge})";
        if (Optimizer is not ("adam" or "sgd")) yield return $"optimizer '{Optimizer}' is unknown; allowed: adam, sgd";
        if (!(LearningRate > 0)) yield return $"learning_rate must be positive (got {LearningRate})";
        if (NpgStep is not ("normalized" or "fixed")) yield return $"npg_step '{NpgStep}' is unknown; allowed: normalized, fixed";
        if (!(MaxKl > 0)) yield return $"max_kl (delta) must be positive (got {MaxKl})";
        if (Fisher is not ("exact" or "empirical" or "matrix-free")) yield return $"fisher '{Fisher}' is unknown; allowed: exact, empirical, matrix-free";
        if (Solver is not ("cholesky" or "pinv" or "cg")) yield return $"solver '{Solver}' is unknown; allowed: cholesky, pinv, cg";
        if (!(Damping >= 0)) yield return $"damping must be ≥ 0 (got {Damping})";
        if (CgIterations <= 0) yield return $"cg_iterations must be positive (got {CgIterations})";
        if (!(CgTolerance >= 0)) yield return $"cg_tolerance must be ≥ 0 (got {CgTolerance})";
        if (!(BacktrackRatio > 0 && BacktrackRatio < 1)) yield return $"backtrack_ratio must be in (0, 1) (got {BacktrackRatio})";
        if (MaxBacktracks < 0) yield return $"max_backtracks must be ≥ 0 (got {MaxBacktracks})";
        if (CheckpointEvery < 0) yield return $"checkpoint_every must be ≥ 0 (got {CheckpointEvery})";
        if (NormalizeObservationsUntil < 0) yield return $"normalize_observations_until must be ≥ 0 (got {NormalizeObservationsUntil})";
    }

    /// <summary>Steps actually collected per iteration: B rounded up to a multiple of the env count.</summary>
    public int RolloutLength() => (StepsPerIteration + NumEnvs - 1) / NumEnvs;

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

/// <summary>A config that cannot be used; the message is one line naming the key or value.</summary>
public sealed class ConfigException(string message) : Exception(message);
