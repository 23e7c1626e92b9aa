using System.Text.Json;
using System.Text.Json.Serialization;
using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Solvers;

namespace NatPolicy.Agents.Training;

// The nested parts of a TrainConfig: one sealed record per kind, each carrying only the fields that apply to it.
// In JSON each is an object whose discriminator ("kind" for policy and baseline, "name" for algo) comes first.
// Each field's initialiser is its one default (per-environment values: TrainDefaults.For).

/// <summary>The policy's features: <c>linear</c>, <c>rff</c> or <c>mlp</c> (JSON key <c>kind</c>).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(LinearPolicyConfig), "linear")]
[JsonDerivedType(typeof(RffPolicyConfig), "rff")]
[JsonDerivedType(typeof(MlpPolicyConfig), "mlp")]
public abstract record PolicySpec
{
    /// <summary>The kinds, as spelt in JSON.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["linear", "rff", "mlp"];

    /// <summary>"linear", "rff" or "mlp".</summary>
    [JsonIgnore]
    public string Kind => KindName;

    private protected abstract string KindName { get; }

    /// <summary>
    /// Initial log σ (nats) of every action dimension of the Gaussian head, finite, in [−20, 5]. Present exactly when
    /// the env's actions are a box (the default config gives 0); refused for discrete actions (softmax head).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? InitLogStd { get; init; }

    internal virtual void AddProblems(List<string> p, string path, bool boxActions)
    {
        if (InitLogStd is { } s)
        {
            if (!boxActions) p.Add($"{path}.init_log_std applies only to box-action envs (this env's actions are discrete; remove it)");
            else if (!(s >= -20 && s <= 5)) p.Add($"{path}.init_log_std must be a number in [-20, 5] (got {Core.Fmt.D(s)})");
        }
        else if (boxActions)
        {
            p.Add($"{path}.init_log_std is required for box-action envs");
        }
    }

    /// <summary>The default record of <paramref name="kind"/> (one of <see cref="Kinds"/>).</summary>
    public static PolicySpec Default(string kind) => kind switch
    {
        "linear" => new LinearPolicyConfig(),
        "rff" => new RffPolicyConfig(),
        "mlp" => new MlpPolicyConfig(),
        _ => throw new ConfigException($"policy.kind '{kind}' is unknown; allowed: {string.Join(", ", Kinds)}"),
    };
}

/// <summary>Linear features: z = W s + b.</summary>
public sealed record LinearPolicyConfig : PolicySpec
{
    private protected override string KindName => "linear";
}

/// <summary>Random Fourier features φ(s) = sin(P s / ν + φ₀), then a linear layer (Rajeswaran et al. 2017).</summary>
public sealed record RffPolicyConfig : PolicySpec
{
    public const int DefaultFeatures = 64;
    public const double DefaultBandwidth = 1.0;

    private protected override string KindName => "rff";

    /// <summary>Number m of random features, 1 … 100000. Default 64.</summary>
    public int Features { get; init; } = DefaultFeatures;

    /// <summary>Bandwidth ν &gt; 0 in (normalised) observation units, ≤ 10⁶. Default 1.</summary>
    public double Bandwidth { get; init; } = DefaultBandwidth;

    internal override void AddProblems(List<string> p, string path, bool boxActions)
    {
        ConfigCheck.Range(p, path + ".features", Features, 1, 100_000);
        ConfigCheck.Positive(p, path + ".bandwidth", Bandwidth, 1e6);
        base.AddProblems(p, path, boxActions);
    }
}

/// <summary>A tanh MLP with a linear output layer.</summary>
public sealed record MlpPolicyConfig : PolicySpec
{
    /// <summary>The default hidden sizes, 32×32.</summary>
    public static IReadOnlyList<int> DefaultHiddenSizes { get; } = [32, 32];

    private protected override string KindName => "mlp";

    /// <summary>Hidden layer widths: 1 … 16 layers of 1 … 4096 units. Default [32, 32].</summary>
    public int[] HiddenSizes { get; init; } = [.. DefaultHiddenSizes];

    internal override void AddProblems(List<string> p, string path, bool boxActions)
    {
        ConfigCheck.Layers(p, path + ".hidden_sizes", HiddenSizes);
        base.AddProblems(p, path, boxActions);
    }
}

/// <summary>The value baseline V(s) subtracted from returns: <c>none</c>, <c>polynomial</c>, <c>rff</c> or <c>mlp</c> (JSON key <c>kind</c>).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(NoBaselineConfig), "none")]
[JsonDerivedType(typeof(PolynomialBaselineConfig), "polynomial")]
[JsonDerivedType(typeof(RffBaselineConfig), "rff")]
[JsonDerivedType(typeof(MlpBaselineConfig), "mlp")]
public abstract record BaselineSpec
{
    public static IReadOnlyList<string> Kinds { get; } = ["none", "polynomial", "rff", "mlp"];

    [JsonIgnore]
    public string Kind => KindName;

    private protected abstract string KindName { get; }

    internal virtual void AddProblems(List<string> p, string path) { }

    public static BaselineSpec Default(string kind) => kind switch
    {
        "none" => new NoBaselineConfig(),
        "polynomial" => new PolynomialBaselineConfig(),
        "rff" => new RffBaselineConfig(),
        "mlp" => new MlpBaselineConfig(),
        _ => throw new ConfigException($"baseline.kind '{kind}' is unknown; allowed: {string.Join(", ", Kinds)}"),
    };
}

/// <summary>No baseline: the advantage is the (GAE) return with V = 0.</summary>
public sealed record NoBaselineConfig : BaselineSpec
{
    private protected override string KindName => "none";
}

/// <summary>A ridge least-squares fit on fixed features; the features differ by kind.</summary>
public abstract record RidgeBaselineSpec : BaselineSpec
{
    /// <summary>
    /// Add rllab's time-in-episode features τ, τ², τ³ (τ = t/100). Default false: truncation is bootstrapped, so a
    /// state's value does not depend on the clock.
    /// </summary>
    public bool TimeFeatures { get; init; }

    /// <summary>Initial ridge coefficient of the least-squares fit, in (0, 1]. Default 1e-5.</summary>
    public double Ridge { get; init; } = 1e-5;

    internal override void AddProblems(List<string> p, string path) => ConfigCheck.Positive(p, path + ".ridge", Ridge, 1);
}

/// <summary>rllab's linear feature baseline: s, s², 1 (and the time features), fitted by ridge least squares.</summary>
public sealed record PolynomialBaselineConfig : RidgeBaselineSpec
{
    private protected override string KindName => "polynomial";
}

/// <summary>Random Fourier plus polynomial features, fitted by ridge least squares.</summary>
public sealed record RffBaselineConfig : RidgeBaselineSpec
{
    private protected override string KindName => "rff";

    /// <summary>Number of random Fourier features, 1 … 100000. Default 100.</summary>
    public int Features { get; init; } = 100;

    /// <summary>Bandwidth ν &gt; 0 of the features, in (normalised) observation units, ≤ 10⁶. Default 1.</summary>
    public double Bandwidth { get; init; } = 1.0;

    internal override void AddProblems(List<string> p, string path)
    {
        ConfigCheck.Range(p, path + ".features", Features, 1, 100_000);
        ConfigCheck.Positive(p, path + ".bandwidth", Bandwidth, 1e6);
        base.AddProblems(p, path);
    }
}

/// <summary>
/// A tanh MLP critic fitted to standardised targets by minibatch Adam. The default: with the polynomial baseline
/// linear-softmax NPG stalls on CartPole-v1 (6/10 seeds reach 475 within 100k) and Acrobot-v1 seeds stay at −500;
/// with this critic 10/10 and 9–10/10 (see the README's results).
/// </summary>
public sealed record MlpBaselineConfig : BaselineSpec
{
    private protected override string KindName => "mlp";

    /// <summary>Hidden layer widths, 1 … 16 layers of 1 … 4096 units. Default [32, 32]: fits the classic-control values as well as 64×64 at about a quarter of the cost.</summary>
    public int[] HiddenSizes { get; init; } = [32, 32];

    /// <summary>Passes over the batch per iteration, 1 … 1000. Default 5 (≈ 160 Adam steps for B = 2000).</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Rows per Adam step, 1 … 10⁶. Default 64 (SB3 uses 64–128 for its critics).</summary>
    public int Minibatch { get; init; } = 64;

    /// <summary>Adam learning rate, in (0, 1]. Default 1e-3 (SB3's TRPO critic rate; the targets are standardised).</summary>
    public double LearningRate { get; init; } = 1e-3;

    internal override void AddProblems(List<string> p, string path)
    {
        ConfigCheck.Layers(p, path + ".hidden_sizes", HiddenSizes);
        ConfigCheck.Range(p, path + ".epochs", Epochs, 1, 1000);
        ConfigCheck.Range(p, path + ".minibatch", Minibatch, 1, 1_000_000);
        ConfigCheck.Positive(p, path + ".learning_rate", LearningRate, 1);
    }
}

/// <summary>The update rule: <c>vpg</c>, <c>npg</c>, <c>trpo</c> or <c>nac</c> (JSON key <c>name</c>).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "name")]
[JsonDerivedType(typeof(VpgConfig), "vpg")]
[JsonDerivedType(typeof(NpgConfig), "npg")]
[JsonDerivedType(typeof(TrpoConfig), "trpo")]
[JsonDerivedType(typeof(NacConfig), "nac")]
public abstract record AlgoSpec
{
    /// <summary>"vpg", "npg", "trpo" or "nac".</summary>
    [JsonIgnore]
    public string Name => AlgoName;

    private protected abstract string AlgoName { get; }

    internal abstract void AddProblems(List<string> p, string path);

    public static AlgoSpec Default(string name) => name switch
    {
        "vpg" => new VpgConfig(),
        "npg" => new NpgConfig(),
        "trpo" => new TrpoConfig(),
        "nac" => new NacConfig(),
        _ => throw new ConfigException($"algo.name '{name}' is unknown; allowed: {string.Join(", ", TrainConfig.Algos)}"),
    };
}

/// <summary>Vanilla policy gradient: θ ← θ + α g (sgd) or Adam on g.</summary>
public sealed record VpgConfig : AlgoSpec
{
    public static IReadOnlyList<string> Optimizers { get; } = ["adam", "sgd"];

    private protected override string AlgoName => "vpg";

    /// <summary>"adam" (Adam on g) or "sgd" (θ += α g). Default "adam".</summary>
    public string Optimizer { get; init; } = "adam";

    /// <summary>Learning rate α, in (0, 10]. Default 0.01.</summary>
    public double LearningRate { get; init; } = 0.01;

    internal override void AddProblems(List<string> p, string path)
    {
        if (!Optimizers.Contains(Optimizer)) p.Add($"{path}.optimizer '{Optimizer}' is unknown; allowed: {string.Join(", ", Optimizers)}");
        ConfigCheck.Positive(p, path + ".learning_rate", LearningRate, 10);
    }
}

/// <summary>The fields npg and trpo share: the KL step δ and the damped Fisher system solved by CG.</summary>
public abstract record NaturalGradientConfig : AlgoSpec
{
    /// <summary>
    /// The KL step δ, in (0, 10]: npg's normalised step α = sqrt(2δ / sᵀ(F + λI)s) moves the quadratic KL model by δ
    /// when λ = 0 and by slightly less when λ &gt; 0; trpo's trust region keeps the mean KL ≤ δ. Default 0.01 (TRPO's).
    /// </summary>
    [JsonPropertyOrder(1)]
    public double MaxKl { get; init; } = 0.01;

    /// <summary>Damping λ ≥ 0 added to the Fisher's diagonal, ≤ 10⁶. Default 1e-4.</summary>
    [JsonPropertyOrder(4)]
    public double Damping { get; init; } = 1e-4;

    /// <summary>Conjugate gradient: maximum iterations, 1 … 10000 (npg: used by solver "cg" only). Default 10.</summary>
    [JsonPropertyOrder(5)]
    public int CgIterations { get; init; } = 10;

    /// <summary>Conjugate gradient: relative residual tolerance, stop when ‖r‖ ≤ tol·‖g‖; in [0, 1] (npg: solver "cg" only). Default 1e-10.</summary>
    [JsonPropertyOrder(6)]
    public double CgTolerance { get; init; } = 1e-10;

    /// <summary>
    /// Multiply the natural step by the positive-part James–Stein factor f = n(T − Q) / ((n − 1)T) clipped to [0, 1],
    /// with T = gᵀMg, Q = Σᵢ gᵢᵀMgᵢ, M = (F + λI)⁻¹ and gᵢ the gradient of env copy i (g = Σᵢ gᵢ, n copies): the
    /// estimated fraction of gᵀMg that is signal rather than sampling noise. The KL moved is then about f²δ, and f = 0
    /// leaves θ unchanged (an accepted step of size 0). False gives the papers' step, which moves the KL by δ every
    /// iteration whatever the evidence (docs/stability.md). Default false.
    /// </summary>
    [JsonPropertyOrder(9)]
    public bool NoiseShrinkage { get; init; }

    /// <summary>The spellings of <see cref="Curvature"/>.</summary>
    public static IReadOnlyList<string> Curvatures { get; } = ["fisher", "kfac"];

    /// <summary>
    /// The curvature the direction s ≈ (F + λI)⁻¹ g uses. "fisher": npg's <c>fisher</c>/<c>solver</c>, trpo's
    /// matrix-free products and CG. "kfac": K-FAC (Martens &amp; Grosse 2015) for an mlp (or linear) policy, softmax or
    /// Gaussian head: per layer Kronecker factors A = E[ā āᵀ] (layer inputs with a bias 1) and G = E[δ δᵀ]
    /// (cotangents of the pre-activations, the exact expectation over the action distribution), running averages
    /// with decay <see cref="KfacDecay"/>, the damping λ = <see cref="Damping"/> split between the factors by π
    /// (s = (A + π√λ I)⁻¹ ⊗ (G + √λ/π I)⁻¹ g), and npg's step α = sqrt(2δ / sᵀ(F + λI)s) with F the exact Fisher of
    /// the batch (one matrix-free product); trpo then line-searches as usual. Under "kfac" npg's <c>fisher</c>, <c>solver</c> and the <c>cg_*</c>
    /// keys are unused. Default "fisher".
    /// </summary>
    [JsonPropertyOrder(10)]
    public string Curvature { get; init; } = "fisher";

    /// <summary>K-FAC only: weight ε ∈ [0, 1) of the previous iterations' factors in the running average F ← εF + (1 − ε)F̂_batch (0: this batch only). Default 0.5.</summary>
    [JsonPropertyOrder(11)]
    public double KfacDecay { get; init; } = 0.5;

    /// <summary>The spellings of <see cref="DampingSchedule"/>.</summary>
    public static IReadOnlyList<string> DampingSchedules { get; } = ["fixed", "levenberg_marquardt"];

    /// <summary>
    /// How λ evolves: "fixed" keeps <see cref="Damping"/> for the whole run; "levenberg_marquardt" starts at
    /// <see cref="Damping"/> and after every accepted step compares the surrogate's actual improvement with its
    /// first-order prediction gᵀΔθ, ρ = actual / predicted: λ ← λ / ω when ρ &gt; 3/4, λ ← λ·ω when ρ &lt; 1/4
    /// (Martens &amp; Grosse 2015, §6.5; Martens 2020, §15), clipped to [<see cref="DampingMin"/>, <see cref="DampingMax"/>].
    /// Default "fixed".
    /// </summary>
    [JsonPropertyOrder(12)]
    public string DampingSchedule { get; init; } = "fixed";

    /// <summary>ω of the Levenberg–Marquardt schedule, in (1, 100]: λ's factor per iteration. Default 2.</summary>
    [JsonPropertyOrder(13)]
    public double DampingFactor { get; init; } = 2;

    /// <summary>Lower bound of the Levenberg–Marquardt λ, in [0, 1e6]. Default 1e-10.</summary>
    [JsonPropertyOrder(14)]
    public double DampingMin { get; init; } = 1e-10;

    /// <summary>Upper bound of the Levenberg–Marquardt λ, in [damping_min, 1e6]. Default 1e3.</summary>
    [JsonPropertyOrder(15)]
    public double DampingMax { get; init; } = 1e3;

    /// <summary>The spellings of <see cref="DampingScale"/>.</summary>
    public static IReadOnlyList<string> DampingScales { get; } = ["identity", "fisher_diagonal"];

    /// <summary>
    /// What λ multiplies: "identity" solves (F + λI) s = g (Levenberg; Tikhonov); "fisher_diagonal" solves
    /// (F + λD) s = g with D = diag(F) (Marquardt 1963), which damps every coordinate in proportion to its own Fisher
    /// entry, so the step does not depend on a diagonal rescaling of θ (or of linear features). npg with the exact or
    /// empirical Fisher only (D from the dense matrix). Default (null) "identity", which config.json omits, so run
    /// folders written before this key keep their config hash and resume.
    /// </summary>
    [JsonPropertyOrder(16)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DampingScale { get; init; }

    /// <summary><see cref="DampingScale"/> with its default filled in.</summary>
    [JsonIgnore]
    public string DampingScaleName => DampingScale ?? "identity";

    internal override void AddProblems(List<string> p, string path)
    {
        if (!Curvatures.Contains(Curvature)) p.Add($"{path}.curvature '{Curvature}' is unknown; allowed: {string.Join(", ", Curvatures)}");
        if (!(KfacDecay >= 0 && KfacDecay < 1)) p.Add($"{path}.kfac_decay must be a number in [0, 1) (got {Core.Fmt.D(KfacDecay)})");
        ConfigCheck.Positive(p, path + ".max_kl", MaxKl, 10);
        if (!(Damping >= 0 && Damping <= 1e6)) p.Add($"{path}.damping must be a number in [0, 1e6] (got {Core.Fmt.D(Damping)})");
        ConfigCheck.Range(p, path + ".cg_iterations", CgIterations, 1, 10_000);
        ConfigCheck.Unit(p, path + ".cg_tolerance", CgTolerance);
        if (!DampingSchedules.Contains(DampingSchedule))
            p.Add($"{path}.damping_schedule '{DampingSchedule}' is unknown; allowed: {string.Join(", ", DampingSchedules)}");
        if (!(DampingFactor > 1 && DampingFactor <= 100))
            p.Add($"{path}.damping_factor must be a number in (1, 100] (got {Core.Fmt.D(DampingFactor)})");
        if (!(DampingMin >= 0 && DampingMin <= 1e6)) p.Add($"{path}.damping_min must be a number in [0, 1e6] (got {Core.Fmt.D(DampingMin)})");
        else if (!(DampingMax >= DampingMin && DampingMax <= 1e6))
            p.Add($"{path}.damping_max must be a number in [damping_min = {Core.Fmt.D(DampingMin)}, 1e6] (got {Core.Fmt.D(DampingMax)})");
        else if (DampingSchedule == "levenberg_marquardt" && !(Damping >= DampingMin && Damping <= DampingMax))
            p.Add($"{path}.damping must lie in [damping_min, damping_max] = [{Core.Fmt.D(DampingMin)}, {Core.Fmt.D(DampingMax)}] with the levenberg_marquardt schedule (got {Core.Fmt.D(Damping)})");
        if (!DampingScales.Contains(DampingScaleName))
            p.Add($"{path}.damping_scale '{DampingScaleName}' is unknown; allowed: {string.Join(", ", DampingScales)}");
        else if (DampingScaleName == "fisher_diagonal" && (this is not NpgConfig { Fisher: not FisherKind.MatrixFree } || Curvature != "fisher"))
            p.Add($"{path}.damping_scale 'fisher_diagonal' needs npg with fisher 'exact' or 'empirical' and curvature 'fisher' (the diagonal is read from the dense matrix)");
    }
}

/// <summary>
/// Kakade's natural policy gradient: s = (F + λI)⁻¹ g from the chosen Fisher estimator and solver, then the
/// normalised step θ ← θ + sqrt(2δ / sᵀ(F + λI)s) s (the damping included), which moves the quadratic KL model ½α²sᵀFs
/// by δ·sᵀFs / sᵀ(F + λI)s: δ = <see cref="NaturalGradientConfig.MaxKl"/> when λ = 0, slightly less when λ &gt; 0.
/// </summary>
public sealed record NpgConfig : NaturalGradientConfig
{
    private protected override string AlgoName => "npg";

    /// <summary>Fisher estimator: "exact" (expectation over actions), "empirical" (sampled scores) or "matrix-free" (products only; needs solver "cg"). Default "exact".</summary>
    [JsonConverter(typeof(FisherKindConverter))]
    [JsonPropertyOrder(2)]
    public FisherKind Fisher { get; init; } = FisherKind.Exact;

    /// <summary>Solver for (F + λI)s = g: "cholesky" (dense), "pinv" (dense pseudo-inverse) or "cg" (conjugate gradient). Default "cholesky".</summary>
    [JsonConverter(typeof(SolverKindConverter))]
    [JsonPropertyOrder(3)]
    public SolverKind Solver { get; init; } = SolverKind.Cholesky;

    internal override void AddProblems(List<string> p, string path)
    {
        base.AddProblems(p, path);
        if (Fisher == FisherKind.MatrixFree && Solver != SolverKind.ConjugateGradient)
            p.Add($"{path}.fisher 'matrix-free' gives only products: it needs {path}.solver 'cg' (got '{FisherSolvers.Name(Solver)}')");
    }
}

/// <summary>
/// TRPO: the natural direction from matrix-free Fisher-vector products and conjugate gradient (the line search
/// needs only products), or from K-FAC under <c>curvature = "kfac"</c>, scaled to the trust region δ, then a
/// backtracking line search on the surrogate with the mean-KL constraint.
/// </summary>
public sealed record TrpoConfig : NaturalGradientConfig
{
    private protected override string AlgoName => "trpo";

    /// <summary>Each backtracking step multiplies the step by this ratio, in (0, 1). Default 0.8.</summary>
    [JsonPropertyOrder(7)]
    public double BacktrackRatio { get; init; } = 0.8;

    /// <summary>Maximum backtracking steps after the full step, 0 … 100. Default 10.</summary>
    [JsonPropertyOrder(8)]
    public int MaxBacktracks { get; init; } = 10;

    internal override void AddProblems(List<string> p, string path)
    {
        base.AddProblems(p, path);
        if (!(BacktrackRatio > 0 && BacktrackRatio < 1)) p.Add($"{path}.backtrack_ratio must be a number in (0, 1) (got {Core.Fmt.D(BacktrackRatio)})");
        ConfigCheck.Range(p, path + ".max_backtracks", MaxBacktracks, 0, 100);
    }
}

/// <summary>
/// Episodic natural actor-critic (Peters &amp; Schaal 2008): the natural gradient is the weight vector w of the
/// least-squares critic Rₑ ≈ ψₑᵀw + J on the compatible features ψₑ = Σₜ γᵗ ∇log π of each episode of the batch
/// (J a constant column; segments cut by the batch or a time limit are bootstrapped with the baseline, and each target
/// is reduced by the baseline's value of its first state), then θ ← θ + α w with α = sqrt(2δ / wᵀ(F + λI)w), F the
/// exact per-state Fisher of the batch (npg's normalised step). Ignores the advantages; the solve is dense in P + 1,
/// so it is meant for small (linear or rff) policies. See <c>NatPolicy.Agents.Updates.NaturalActorCritic</c>.
/// </summary>
public sealed record NacConfig : AlgoSpec
{
    private protected override string AlgoName => "nac";

    /// <summary>The KL step δ of the normalised step, in (0, 10]. Default 0.01.</summary>
    [JsonPropertyOrder(1)]
    public double MaxKl { get; init; } = 0.01;

    /// <summary>
    /// Ridge λ ≥ 0 on w, ≤ 10⁶, scaled by the episode count so that w = (F_ψ + λI)⁻¹ g_ψ (F_ψ the centred Fisher of the
    /// episode features); it also damps the step's curvature. Needs &gt; 0 when a batch has fewer episodes than
    /// parameters. Default 1e-4.
    /// </summary>
    [JsonPropertyOrder(2)]
    public double Damping { get; init; } = 1e-4;

    internal override void AddProblems(List<string> p, string path)
    {
        ConfigCheck.Positive(p, path + ".max_kl", MaxKl, 10);
        if (!(Damping >= 0 && Damping <= 1e6)) p.Add($"{path}.damping must be a number in [0, 1e6] (got {Core.Fmt.D(Damping)})");
    }
}

/// <summary>Writes and reads a <see cref="FisherKind"/> by its one spelling (<see cref="FisherEstimators.Name"/>).</summary>
public sealed class FisherKindConverter : JsonConverter<FisherKind>
{
    public override FisherKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && FisherEstimators.Parse(reader.GetString()!) is { } k ? k
            : throw new JsonException($"allowed: {string.Join(", ", FisherEstimators.Names)}");

    public override void Write(Utf8JsonWriter writer, FisherKind value, JsonSerializerOptions options) =>
        writer.WriteStringValue(FisherEstimators.Name(value));
}

/// <summary>Writes and reads a <see cref="SolverKind"/> by its one spelling (<see cref="FisherSolvers.Name"/>).</summary>
public sealed class SolverKindConverter : JsonConverter<SolverKind>
{
    public override SolverKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && FisherSolvers.Parse(reader.GetString()!) is { } k ? k
            : throw new JsonException($"allowed: {string.Join(", ", FisherSolvers.Names)}");

    public override void Write(Utf8JsonWriter writer, SolverKind value, JsonSerializerOptions options) =>
        writer.WriteStringValue(FisherSolvers.Name(value));
}
