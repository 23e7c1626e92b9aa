using NatPolicy.Agents;
using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Policies;
using NatPolicy.Agents.Solvers;
using NatPolicy.Agents.Training;
using NatPolicy.Agents.Updates;
using NatPolicy.Core;
using NatPolicy.Envs;
using NatPolicy.Envs.Vector;

namespace NatPolicy.Experiments.Runs;

/// <summary>
/// The composition root of a run: turns a <see cref="TrainConfig"/> into the vector env, policy, baseline, update
/// rule and trainer. The only place that maps config records to implementations. Seeds: the env copies, the action
/// sampler and the policy initialisation each get their own stream derived from <see cref="TrainConfig.Seed"/>.
/// </summary>
public sealed class RunComponents
{
    /// <summary>Stream indices of <see cref="Rng.Derive"/> for the parts of a run.</summary>
    private const ulong EnvStream = 0, ActionStream = 1, InitStream = 2, BaselineStream = 3;

    private RunComponents(TrainConfig config, Trainer trainer, NormalizeObservationVector? normalizer)
    {
        Config = config;
        Trainer = trainer;
        Normalizer = normalizer;
    }

    public TrainConfig Config { get; }
    public Trainer Trainer { get; }
    public NormalizeObservationVector? Normalizer { get; }

    /// <summary>Checks a config as <see cref="Build"/> does (values, dense Fisher size, memory estimate) without building the run.</summary>
    public static void Check(TrainConfig config)
    {
        if (config.Problems(TrainDefaults.IsBox(config.EnvId)).FirstOrDefault() is { } problem) throw new ConfigException(problem);
        var env = EnvRegistry.Make(config.EnvId);
        MemoryBudget.Check(config, env.ObservationSpace.Dimension, env.ActionSpace, MemoryBudget.LimitBytes);
    }

    /// <summary>Builds every part; the config must be valid (see <see cref="TrainConfig.Problems"/>).</summary>
    /// <param name="observationTransform">Optional wrapper applied to the env before normalisation (e.g. a reparameterisation experiment's feature scaling).</param>
    /// <param name="update">Optional update rule replacing the config's (an experiment's control, e.g. a diagonal preconditioner), given the parameter count.</param>
    public static RunComponents Build(TrainConfig config, Func<IVectorEnv, IVectorEnv>? observationTransform = null,
        Func<int, IPolicyUpdate>? update = null)
    {
        if (config.Problems(TrainDefaults.IsBox(config.EnvId)).FirstOrDefault() is { } problem) throw new ConfigException(problem);
        IVectorEnv env = VectorEnvs.Make(config.EnvId, config.NumEnvs);
        if (observationTransform is not null) env = observationTransform(env);
        MemoryBudget.Check(config, env.SingleObservationSpace.Dimension, env.SingleActionSpace, MemoryBudget.LimitBytes);
        NormalizeObservationVector? normalizer = null;
        if (config.NormalizeObservations) env = normalizer = new NormalizeObservationVector(env);

        var policy = PolicyFactory.Create(Policy(config.Policy), env.SingleObservationSpace.Dimension, env.SingleActionSpace,
            Rng.Derive(config.Seed, InitStream));
        int obsDim = env.SingleObservationSpace.Dimension;
        IValueBaseline? baseline = config.Baseline switch
        {
            PolynomialBaselineConfig b => new RidgeValueBaseline(new PolynomialValueFeatures(obsDim, b.TimeFeatures), b.Ridge),
            RffBaselineConfig b => new RidgeValueBaseline(new FourierValueFeatures(obsDim, b.Features, b.Bandwidth,
                Rng.Derive(config.Seed, BaselineStream), b.TimeFeatures), b.Ridge),
            MlpBaselineConfig b => new MlpValueBaseline(obsDim, b.HiddenSizes, b.Epochs, b.Minibatch, b.LearningRate,
                Rng.Derive(config.Seed, BaselineStream)),
            _ => null,
        };
        var trainer = new Trainer(config, env, policy, update?.Invoke(policy.ParameterCount) ?? Update(config.Algo, policy.ParameterCount, config.Gamma), baseline,
            Rng.Derive(config.Seed, ActionStream), Rng.Derive(config.Seed, EnvStream).NextUInt64());
        return new RunComponents(config, trainer, normalizer);
    }

    /// <summary>The policy factory's description of a policy spec (the head follows from the action space).</summary>
    public static PolicyConfig Policy(PolicySpec spec) => spec switch
    {
        RffPolicyConfig r => new PolicyConfig(FeatureKind.Rff, RffFeatureCount: r.Features, RffBandwidth: r.Bandwidth,
            InitialLogStd: r.InitLogStd ?? PolicyConfig.DefaultInitialLogStd),
        MlpPolicyConfig m => new PolicyConfig(FeatureKind.Mlp, HiddenSizes: m.HiddenSizes,
            InitialLogStd: m.InitLogStd ?? PolicyConfig.DefaultInitialLogStd),
        _ => new PolicyConfig(FeatureKind.Linear, InitialLogStd: spec.InitLogStd ?? PolicyConfig.DefaultInitialLogStd),
    };

    /// <summary>The update rule of an algo spec: compositions of the same parts (<paramref name="gamma"/>: nac's episode discount).</summary>
    public static IPolicyUpdate Update(AlgoSpec algo, int parameterCount, double gamma) => algo switch
    {
        VpgConfig v => new VanillaUpdate(parameterCount, v.LearningRate, useAdam: v.Optimizer == "adam"),
        NpgConfig n => Damped(n, Direction(n.Fisher, n.Solver, n), d => new NaturalUpdate(parameterCount, d, n.MaxKl), parameterCount),
        TrpoConfig t => Damped(t, Direction(FisherKind.MatrixFree, SolverKind.ConjugateGradient, t),
            d => new TrustRegionUpdate(parameterCount, d, new BacktrackingLineSearch(t.BacktrackRatio, t.MaxBacktracks), t.MaxKl), parameterCount),
        NacConfig c => new NaturalActorCritic(parameterCount, gamma, c.Damping, c.MaxKl),
        _ => throw new ConfigException($"algo '{algo.Name}' is unknown; allowed: {string.Join(", ", TrainConfig.Algos)}"),
    };

    /// <summary>The natural update on its direction, inside <see cref="LevenbergMarquardtUpdate"/> when the schedule asks for it.</summary>
    private static IPolicyUpdate Damped(NaturalGradientConfig c, FisherDirection direction, Func<FisherDirection, IPolicyUpdate> update, int parameterCount) =>
        c.DampingSchedule == "levenberg_marquardt"
            ? new LevenbergMarquardtUpdate(parameterCount, update(direction), direction, c.DampingFactor, c.DampingMin, c.DampingMax)
            : update(direction);

    /// <summary>The natural direction of a spec: its Fisher and solver, or K-FAC's factors and factored inverse under <c>curvature = "kfac"</c>.</summary>
    private static FisherDirection Direction(FisherKind fisher, SolverKind solver, NaturalGradientConfig c)
    {
        if (c.Curvature == "kfac") return new(new KfacEstimator(c.KfacDecay), new KfacSolver(), c.Damping, c.NoiseShrinkage);
        var solve = FisherSolvers.Create(solver, c.CgIterations, c.CgTolerance);
        if (c.DampingScaleName != "fisher_diagonal") return new(FisherEstimators.Create(fisher), solve, c.Damping, c.NoiseShrinkage);
        // Marquardt's λ·diag(F): the wrapped estimator reads the direction's current λ (fixed or Levenberg–Marquardt).
        var scaled = new DiagonalDampingEstimator(FisherEstimators.Create(fisher));
        var direction = new FisherDirection(scaled, solve, c.Damping, c.NoiseShrinkage);
        scaled.Damping = () => direction.Damping;
        return direction;
    }

    public void Save(Snapshot into) => Trainer.Save(into);

    public void Load(SnapshotReader from) => Trainer.Load(from);

    /// <summary>The policy.json of the current policy (normaliser statistics frozen as they are now).</summary>
    public string PolicyJson() => new PolicyFile(Config.EnvId,
        Normalizer is null ? null : NormalizerData.From(Normalizer.Statistics),
        ((IDifferentiablePolicy)Trainer.Policy).ToData()).ToJson();
}
