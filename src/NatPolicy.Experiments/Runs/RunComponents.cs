using NatPolicy.Agents;
using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Policies;
using NatPolicy.Agents.Solvers;
using NatPolicy.Agents.Training;
using NatPolicy.Agents.Updates;
using NatPolicy.Core;
using NatPolicy.Envs.Vector;

namespace NatPolicy.Experiments.Runs;

/// <summary>
/// The composition root of a run: turns a <see cref="TrainConfig"/> into the vector env, policy, baseline, update
/// rule and trainer. The only place that maps config strings to implementations. Seeds: the env copies, the action
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

    /// <summary>Builds every part; the config must be valid (see <see cref="TrainConfig.Problems"/>).</summary>
    /// <param name="observationTransform">Optional wrapper applied to the env before normalisation (e.g. a reparameterisation experiment's feature scaling).</param>
    public static RunComponents Build(TrainConfig config, Func<IVectorEnv, IVectorEnv>? observationTransform = null)
    {
        if (config.Problems().FirstOrDefault() is { } problem) throw new ConfigException(problem);
        IVectorEnv env = VectorEnvs.Make(config.EnvId, config.NumEnvs);
        if (observationTransform is not null) env = observationTransform(env);
        NormalizeObservationVector? normalizer = null;
        if (config.NormalizeObservations) env = normalizer = new NormalizeObservationVector(env);

        var policyConfig = new PolicyConfig(
            PolicyConfig.ParseFeatureKind(config.Policy) ?? throw new ConfigException($"policy '{config.Policy}' is unknown"),
            config.HiddenSizes, config.RffFeatures, config.RffBandwidth, config.InitLogStd);
        var policy = PolicyFactory.Create(policyConfig, env.SingleObservationSpace.Dimension, env.SingleActionSpace,
            Rng.Derive(config.Seed, InitStream));
        int obsDim = env.SingleObservationSpace.Dimension;
        IValueBaseline? baseline = config.Baseline switch
        {
            "linear" => new RidgeValueBaseline(new PolynomialValueFeatures(obsDim, config.BaselineTimeFeatures), config.BaselineRidge),
            "rff" => new RidgeValueBaseline(new FourierValueFeatures(obsDim, config.BaselineFeatures, config.BaselineBandwidth,
                Rng.Derive(config.Seed, BaselineStream), config.BaselineTimeFeatures), config.BaselineRidge),
            "mlp" => new MlpValueBaseline(obsDim, config.BaselineHiddenSizes, config.BaselineEpochs, config.BaselineMinibatch,
                config.BaselineLearningRate, Rng.Derive(config.Seed, BaselineStream)),
            _ => null,
        };
        var trainer = new Trainer(config, env, policy, Update(config, policy.ParameterCount), baseline,
            Rng.Derive(config.Seed, ActionStream), Rng.Derive(config.Seed, EnvStream).NextUInt64());
        return new RunComponents(config, trainer, normalizer);
    }

    /// <summary>The update rule of <see cref="TrainConfig.Algo"/>: three compositions of the same parts.</summary>
    public static IPolicyUpdate Update(TrainConfig c, int parameterCount) => c.Algo switch
    {
        "vpg" => new VanillaUpdate(parameterCount, c.LearningRate, useAdam: c.Optimizer == "adam"),
        "npg" => new NaturalUpdate(parameterCount, Direction(c, c.Fisher, c.Solver), c.MaxKl,
            c.NpgStep == "fixed" ? c.LearningRate : null),
        "trpo" => new TrustRegionUpdate(parameterCount, Direction(c, "matrix-free", "cg"),
            new BacktrackingLineSearch(c.BacktrackRatio, c.MaxBacktracks), c.MaxKl),
        _ => throw new ConfigException($"algo '{c.Algo}' is unknown; allowed: {string.Join(", ", TrainConfig.Algos)}"),
    };

    private static FisherDirection Direction(TrainConfig c, string fisher, string solver)
    {
        var estimator = FisherEstimators.Create(FisherEstimators.Parse(fisher) ?? throw new ConfigException($"fisher '{fisher}' is unknown"));
        var kind = solver switch
        {
            "cholesky" => SolverKind.Cholesky,
            "pinv" => SolverKind.PseudoInverse,
            "cg" => SolverKind.ConjugateGradient,
            _ => throw new ConfigException($"solver '{solver}' is unknown"),
        };
        return new FisherDirection(estimator, FisherSolvers.Create(kind, c.CgIterations, c.CgTolerance), c.Damping, c.NoiseShrinkage);
    }

    public void Save(Snapshot into) => Trainer.Save(into);

    public void Load(SnapshotReader from) => Trainer.Load(from);

    /// <summary>The policy.json of the current policy (normaliser statistics frozen as they are now).</summary>
    public string PolicyJson() => new PolicyFile(Config.EnvId,
        Normalizer is null ? null : NormalizerData.From(Normalizer.Statistics),
        ((IDifferentiablePolicy)Trainer.Policy).ToData()).ToJson();
}
