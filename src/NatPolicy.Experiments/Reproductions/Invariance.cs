using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Solvers;
using NatPolicy.Agents.Policies;
using NatPolicy.Agents.Training;
using NatPolicy.Core;
using NatPolicy.Envs.Vector;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Reproductions;

/// <summary>
/// Invariance of the natural gradient to the coordinates of the policy family (Amari 1998; Kakade 2002; Martens 2020). A linear softmax policy on CartPole sees the observation through a fixed diagonal rescaling s' = A s,
/// A = diag(<see cref="Factors"/>). The family {softmax(W s' + b)} is the same family for every A (W' = W A⁻¹ is the
/// same policy), only its coordinates change. Observation normalisation is off: it would undo A.
/// </summary>
/// <param name="Name">Label in tables, CSV and figure.</param>
/// <param name="Algo">"vpg" or "npg" (<see cref="TrainDefaults.For"/> of it).</param>
/// <param name="Exponents">Per observation dimension (x, ẋ, θ, θ̇ on CartPole), the power of c in its factor.</param>
/// <param name="Undamped">npg only: exact Fisher, damping 0, pseudo-inverse solve and no baseline: every part of the
/// iteration is then invariant under A (the linear baseline's ridge fit is not), so the runs may differ only by rounding.</param>
/// <param name="Adaptive">npg only: Levenberg–Marquardt damping (<c>algo.damping_schedule</c>) starting from the default λ = 1e-4.</param>
/// <param name="NoBaseline">No value baseline (the polynomial ridge fit is not invariant under A: its penalty weighs a shrunken feature's coefficient more).</param>
/// <param name="DiagonalDamping">npg only: Marquardt's damping λ·diag(F) (<c>algo.damping_scale = "fisher_diagonal"</c>) instead of λI.</param>
public sealed record InvarianceVariant(string Name, string Algo, IReadOnlyList<int> Exponents, bool Undamped = false, bool Adaptive = false,
    bool NoBaseline = false, bool DiagonalDamping = false)
{
    /// <summary>(0, 1, 0, 1): A = diag(1, c, 1, c), the velocity features grow by c (Fisher condition number ∝ c²).</summary>
    public static IReadOnlyList<int> VelocityExponents { get; } = [0, 1, 0, 1];

    /// <summary>(0, 1, −1, 1): A = diag(1, c, 1/c, c), which also shrinks the pole angle (condition number ∝ c⁴).</summary>
    public static IReadOnlyList<int> DownscaledExponents { get; } = [0, 1, -1, 1];

    /// <summary>diag(A) for scale c: c^eⱼ for dimension j (the exponents repeated if the observation is longer).</summary>
    public double[] Factors(double scale, int dimension) =>
        Enumerable.Range(0, dimension).Select(j => Math.Pow(scale, Exponents[j % Exponents.Count])).ToArray();

    /// <summary>One line: algorithm, Fisher settings and A.</summary>
    public string Description => $"{Algo}{(Undamped ? " (exact Fisher, λ = 0, pinv, no baseline)" : Adaptive ? $" (Levenberg–Marquardt λ from 1e-4, ω = {AdaptiveFactor})" : Algo == "npg" ? " (defaults: λ = 1e-4)" : " (defaults: Adam)")}{(DiagonalDamping ? ", damping λ·diag(F)" : "")}{(NoBaseline && !Undamped ? ", no baseline" : "")}, A = diag{Pattern}";

    /// <summary>The factor pattern as text, e.g. "(1, c, 1/c, c)".</summary>
    public string Pattern => "(" + string.Join(", ", Exponents.Select(e => e switch { 0 => "1", 1 => "c", -1 => "1/c", _ => $"c^{e}" })) + ")";

    /// <summary>The <c>train</c> defaults for the env and algorithm with observation normalisation off (it would undo A).</summary>
    public TrainConfig Training(string envId, ulong seed, long? totalSteps)
    {
        // The rllab polynomial baseline (nearly invariant to feature scaling: a ridge fit over s and s²) rather than the
        // default random Fourier features, whose fixed bandwidth would see the scaled observations differently.
        // The papers' steps as documented in docs/reproductions.md: 2000 steps per iteration and the algo's record
        // defaults (vpg Adam 0.01; Kakade's normalised step without noise shrinkage), which the CartPole defaults
        // depart from since issue 9.
        var c = TrainDefaults.For(envId, Algo) with
        {
            Seed = seed, NormalizeObservations = false, Policy = new LinearPolicyConfig { InitLogStd = TrainDefaults.For(envId, Algo).Policy.InitLogStd },
            Baseline = new PolynomialBaselineConfig { TimeFeatures = true },
            StepsPerIteration = 2_000, Algo = AlgoSpec.Default(Algo),
        };
        if (Undamped)
        {
            c = c with
            {
                Algo = (NpgConfig)c.Algo with { Fisher = FisherKind.Exact, Solver = SolverKind.PseudoInverse, Damping = 0 },
                Baseline = new NoBaselineConfig(),
            };
        }
        if (NoBaseline) c = c with { Baseline = new NoBaselineConfig() };
        if (Adaptive) c = c with { Algo = (NpgConfig)c.Algo with { DampingSchedule = "levenberg_marquardt", DampingFactor = AdaptiveFactor } };
        if (DiagonalDamping) c = c with { Algo = (NpgConfig)c.Algo with { DampingScale = "fisher_diagonal" } };
        return c with { TotalSteps = totalSteps ?? DefaultSteps };
    }

    /// <summary>ω of the Levenberg–Marquardt variant: λ falls from 1e-4 to its floor 1e-10 in 6 iterations while ρ &gt; 3/4.</summary>
    public const double AdaptiveFactor = 10;

    /// <summary>One budget for every variant (CartPole's npg default), so vpg and npg curves cover the same steps.</summary>
    public const long DefaultSteps = 100_000;

    /// <summary>The transform of scale c: <see cref="ScaleObservationVector"/> with <see cref="Factors"/>.</summary>
    public Func<IVectorEnv, IVectorEnv> Transform(double scale) =>
        env => new ScaleObservationVector(env, Factors(scale, env.SingleObservationSpace.Dimension));
}

/// <param name="Scales">Each scale c gives A = diag(c^e₁, …, c^eₙ) with a variant's exponents.</param>
/// <param name="Variants">What is trained at every scale; null: <see cref="DefaultVariants"/>.</param>
/// <param name="Seeds">Seeds 0 … Seeds − 1, the same for every (variant, scale).</param>
/// <param name="TotalSteps">Env steps per run; null keeps <see cref="TrainDefaults.For"/>.</param>
/// <param name="MaxParallelism">Runs trained at once; null: one per core.</param>
public sealed record InvarianceConfig(
    string EnvId = "CartPole-v1",
    IReadOnlyList<double>? Scales = null,
    IReadOnlyList<InvarianceVariant>? Variants = null,
    int Seeds = 5,
    double Threshold = 475,
    long? TotalSteps = null,
    int? MaxParallelism = null)
{
    /// <summary>
    /// vpg and npg with their defaults under A = diag(1, c, 1, c); npg with λ = 0 and no baseline under the same A; and npg with its defaults
    /// under A = diag(1, c, 1/c, c), where a shrunken feature's Fisher eigenvalue falls below the damping λ.
    /// </summary>
    public static IReadOnlyList<InvarianceVariant> DefaultVariants { get; } =
    [
        new("vpg", "vpg", InvarianceVariant.VelocityExponents),
        new("npg", "npg", InvarianceVariant.VelocityExponents),
        new("npg-exact", "npg", InvarianceVariant.VelocityExponents, Undamped: true),
        new("npg-downscaled", "npg", InvarianceVariant.DownscaledExponents),
    ];

    /// <summary>
    /// The rescue check: npg without baseline under A = diag(1, c, 1/c, c), with λ = 1e-4 fixed and with the
    /// Levenberg–Marquardt schedule, each with damping λI and with Marquardt's λ·diag(F).
    /// </summary>
    public static IReadOnlyList<InvarianceVariant> RescueVariants { get; } =
    [
        new("npg-downscaled-nb", "npg", InvarianceVariant.DownscaledExponents, NoBaseline: true),
        new("npg-downscaled-nb-lm", "npg", InvarianceVariant.DownscaledExponents, Adaptive: true, NoBaseline: true),
        new("npg-downscaled-nb-diag", "npg", InvarianceVariant.DownscaledExponents, NoBaseline: true, DiagonalDamping: true),
        new("npg-downscaled-nb-lm-diag", "npg", InvarianceVariant.DownscaledExponents, Adaptive: true, NoBaseline: true, DiagonalDamping: true),
    ];

    public IReadOnlyList<double> ScaleList => Scales ?? [1, 10, 100];
    public IReadOnlyList<InvarianceVariant> VariantList => Variants ?? DefaultVariants;

    /// <summary>The first-update check's vanilla variant: vpg defaults under A = diag(1, c, 1, c).</summary>
    public static InvarianceVariant FirstStepVanilla => new("vpg", "vpg", InvarianceVariant.VelocityExponents);

    /// <summary>
    /// The first-update check's natural variant: npg with the exact-expectation Fisher, no damping, pseudo-inverse solve
    /// (the softmax Fisher is singular along "add the same vector to every row of W").
    /// </summary>
    public static InvarianceVariant FirstStepNatural => new("npg-exact", "npg", InvarianceVariant.VelocityExponents, Undamped: true);
}

/// <summary>One (variant, scale): the curve of every seed and their summary.</summary>
public sealed record InvarianceCell(InvarianceVariant Variant, double Scale, IReadOnlyList<SeedCurve> Seeds, SeedSummary Summary);

/// <summary>
/// The first update from the initial policy (θ = 0, identical for every scale) on the batch that policy collects
/// with seed <see cref="Seed"/> (identical for every scale too), compared in policy space with scale 1.
/// </summary>
/// <param name="NaturalGap">max over the batch's states and actions of |π_c(a|s) − π_1(a|s)| after the npg update.</param>
/// <param name="VanillaGap">The same after the vpg update.</param>
/// <param name="NaturalChange">max |π_c(a|s) − π_0(a|s)|: how far the npg update moved the policy (so the gap is not trivially 0).</param>
/// <param name="NaturalKl">Mean KL(π_0 ‖ π_c) over the batch after the npg update.</param>
public sealed record FirstStepCheck(double Scale, ulong Seed, int States, double NaturalGap, double VanillaGap,
    double NaturalChange, double VanillaChange, double NaturalKl, double VanillaKl, bool NaturalAccepted, bool VanillaAccepted);

public sealed record InvarianceResult(InvarianceConfig Config, IReadOnlyList<InvarianceCell> Cells, IReadOnlyList<FirstStepCheck> FirstStep)
{
    public InvarianceCell Cell(string variant, double scale) => Cells.First(c => c.Variant.Name == variant && c.Scale == scale);

    /// <summary>max/min over scales of the median steps to the threshold (+∞ when some scale's median is +∞).</summary>
    /// <summary>
    /// For each seed of (variant, scale): how many leading iterations have exactly the return of the same seed at
    /// scale 1 (bit-identical training until the first sampled action differs).
    /// </summary>
    public int[] IdenticalIterations(string variant, double scale)
    {
        var reference = Cell(variant, 1.0).Seeds;
        return Cell(variant, scale).Seeds.Select((curve, k) =>
        {
            int n = Math.Min(curve.Returns.Length, reference[k].Returns.Length), i = 0;
            while (i < n && curve.Returns[i].Equals(reference[k].Returns[i])) i++;
            return i;
        }).ToArray();
    }

    public double Spread(string variant)
    {
        var m = Cells.Where(c => c.Variant.Name == variant).Select(c => c.Summary.MedianSteps).ToArray();
        return m.Any(double.IsPositiveInfinity) ? double.PositiveInfinity : m.Max() / m.Min();
    }
}

public static class InvarianceExperiment
{
    public static InvarianceResult Run(InvarianceConfig? config = null)
    {
        var c = config ?? new InvarianceConfig();
        var keys = new List<(InvarianceVariant Variant, double Scale)>();
        var jobs = new List<TrainingJob>();
        foreach (var variant in c.VariantList)
            foreach (double scale in c.ScaleList)
            {
                keys.Add((variant, scale));
                for (int seed = 0; seed < c.Seeds; seed++)
                    jobs.Add(new TrainingJob($"{variant.Name} c={Fmt.G(scale)} seed={seed}",
                        variant.Training(c.EnvId, (ulong)seed, c.TotalSteps), variant.Transform(scale)));
            }
        var curves = TrainingCurves.TrainAll(jobs, c.MaxParallelism);
        var cells = keys.Select((k, i) =>
        {
            var seeds = curves.Skip(i * c.Seeds).Take(c.Seeds).ToArray();
            return new InvarianceCell(k.Variant, k.Scale, seeds, SeedSummary.Of(seeds, c.Threshold));
        }).ToArray();
        return new InvarianceResult(c, cells, FirstStepChecks(c, 0));
    }

    /// <summary>The first-update check at every scale of the config (scale 1 is the reference).</summary>
    public static IReadOnlyList<FirstStepCheck> FirstStepChecks(InvarianceConfig c, ulong seed)
    {
        var natural = InvarianceConfig.FirstStepNatural;
        var vanilla = InvarianceConfig.FirstStepVanilla;
        var npg1 = RunFirstUpdate(c.EnvId, natural, seed, 1.0);
        var vpg1 = RunFirstUpdate(c.EnvId, vanilla, seed, 1.0);
        var checks = new List<FirstStepCheck>();
        foreach (double scale in c.ScaleList)
        {
            var npg = RunFirstUpdate(c.EnvId, natural, seed, scale);
            var vpg = RunFirstUpdate(c.EnvId, vanilla, seed, scale);
            checks.Add(new FirstStepCheck(scale, seed, npg.States,
                MaxGap(npg.After, npg1.After), MaxGap(vpg.After, vpg1.After),
                MaxGap(npg.After, npg.Before), MaxGap(vpg.After, vpg.Before), npg.Kl, vpg.Kl, npg.Accepted, vpg.Accepted));
        }
        return checks;
    }

    /// <summary>
    /// The action probabilities at the batch's states before and after the first update.
    /// The raw (unscaled) states are recorded under the scaling wrapper; the policy sees them scaled by A.
    /// </summary>
    /// <param name="After">States × actions, row-major.</param>
    public sealed record FirstUpdate(int States, double[] Before, double[] After, double[] RawStates, double Kl, bool Accepted);

    public static FirstUpdate RunFirstUpdate(string envId, InvarianceVariant variant, ulong seed, double scale)
    {
        var config = variant.Training(envId, seed, null);
        RecordingVector? recorder = null;
        var parts = RunComponents.Build(config, env => variant.Transform(scale)(recorder = new RecordingVector(env)));
        var policy = (SoftmaxPolicy)parts.Trainer.Policy;
        int n = policy.ObservationDimension;
        var log = parts.Trainer.RunIteration();
        int states = config.RolloutLength() * config.NumEnvs;
        // Row block t of the batch is the observation before step t: recorded after the reset (t = 0) and after steps 0 … T−2.
        var raw = recorder!.Recorded.Take(states * n).ToArray();
        var factors = variant.Factors(scale, n);
        var after = Probabilities(policy, raw, factors, states);
        var theta = new double[policy.ParameterCount];
        policy.GetParameters(theta);
        policy.SetParameters(new double[policy.ParameterCount]);
        var before = Probabilities(policy, raw, factors, states);
        policy.SetParameters(theta);
        return new FirstUpdate(states, before, after, raw, log.Kl, log.Accepted);
    }

    private static double[] Probabilities(SoftmaxPolicy policy, double[] raw, double[] factors, int states)
    {
        int n = factors.Length, k = ((DiscreteSpace)policy.ActionSpace).N;
        var p = new double[states * k];
        var s = new double[n];
        for (int i = 0; i < states; i++)
        {
            for (int j = 0; j < n; j++) s[j] = raw[i * n + j] * factors[j];
            policy.Probabilities(s, p.AsSpan(i * k, k));
        }
        return p;
    }

    private static double MaxGap(double[] a, double[] b)
    {
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    /// <summary>Pass-through vector env that keeps a copy of every observation batch (after each reset and step).</summary>
    internal sealed class RecordingVector(IVectorEnv inner) : IVectorEnv
    {
        public List<double> Recorded { get; } = [];

        public int Count => inner.Count;
        public EnvSpec? Spec => inner.Spec;
        public Space SingleActionSpace => inner.SingleActionSpace;
        public BoxSpace SingleObservationSpace => inner.SingleObservationSpace;
        public ReadOnlySpan<double> Observations => inner.Observations;
        public ReadOnlySpan<double> FinalObservations => inner.FinalObservations;
        public ReadOnlySpan<double> Rewards => inner.Rewards;
        public ReadOnlySpan<bool> Terminated => inner.Terminated;
        public ReadOnlySpan<bool> Truncated => inner.Truncated;
        public ReadOnlySpan<EpisodeStats?> FinishedEpisodes => inner.FinishedEpisodes;

        public void Reset(ulong seed)
        {
            inner.Reset(seed);
            Record();
        }

        public void Step(ReadOnlySpan<double> actions)
        {
            inner.Step(actions);
            Record();
        }

        private void Record()
        {
            foreach (double x in inner.Observations) Recorded.Add(x);
        }
    }
}
