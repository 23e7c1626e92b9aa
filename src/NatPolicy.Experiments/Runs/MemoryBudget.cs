using System.Globalization;
using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Experiments.Runs;

/// <summary>
/// The checks made before a run allocates anything large: the dense Fisher's parameter limit and an estimate of the
/// run's memory (rollout batch, per-sample scores, dense Fisher, networks) against a limit. Both refuse with a
/// <see cref="ConfigException"/> (exit 2) whose message gives the figures and what to change.
/// </summary>
public static class MemoryBudget
{
    /// <summary>
    /// Largest policy (parameters P) for which npg forms the dense P×P Fisher ("exact" or "empirical"): 2048, i.e. a
    /// 32 MB matrix and about 3·10⁹ flops per Cholesky solve. Above it npg is refused; "matrix-free" with solver "cg"
    /// never forms the matrix.
    /// </summary>
    public const int DenseFisherMaxParameters = 2048;

    /// <summary>
    /// Largest estimated work of one iteration, 10¹² floating-point operations (minutes of one core): above it a run
    /// would seem to hang, so it is refused.
    /// </summary>
    public const double MaxWorkPerIteration = 1e12;

    /// <summary>The memory a run may plan to use: 80 % of what the GC reports available (the machine's or the container's limit).</summary>
    public static long LimitBytes => (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * 0.8);

    /// <summary>Number of policy parameters for <paramref name="spec"/> on an env with these spaces (as the policy factory builds it).</summary>
    public static long PolicyParameters(PolicySpec spec, int observationDimension, Space actionSpace)
    {
        long k = actionSpace is DiscreteSpace d ? d.N : actionSpace.Dimension;
        long logStd = actionSpace is BoxSpace ? k : 0;
        return spec switch
        {
            RffPolicyConfig r => k * (r.Features + 1L) + logStd,
            MlpPolicyConfig m => Chain([observationDimension, .. m.HiddenSizes, (int)k]) + logStd,
            _ => k * (observationDimension + 1L) + logStd,
        };
    }

    /// <summary>Throws <see cref="ConfigException"/> when the run would use the dense Fisher above its limit or exceed <paramref name="limitBytes"/>.</summary>
    public static void Check(TrainConfig config, int observationDimension, Space actionSpace, long limitBytes)
    {
        long p = PolicyParameters(config.Policy, observationDimension, actionSpace);
        bool dense = UsesDenseFisher(config);
        if (dense && p > DenseFisherMaxParameters)
            throw new ConfigException(string.Create(CultureInfo.InvariantCulture,
                $"npg with algo.fisher '{FisherName(config)}' forms a dense P×P Fisher, allowed for at most {DenseFisherMaxParameters} policy parameters; this policy has {p}: use --set algo.fisher=matrix-free --set algo.solver=cg (or a smaller policy)"));
        double work = Work(config, actionSpace, p, observationDimension);
        if (work > MaxWorkPerIteration)
            throw new ConfigException(string.Create(CultureInfo.InvariantCulture,
                $"one iteration of this run takes about {work:E1} floating-point operations (steps_per_iteration {config.StepsPerIteration}, {p} policy parameters, the critic's size and epochs), more than the limit of {MaxWorkPerIteration:E0}; lower steps_per_iteration or the network sizes"));
        long bytes = Estimate(config, observationDimension, actionSpace, p);
        if (bytes > limitBytes)
            throw new ConfigException(string.Create(CultureInfo.InvariantCulture,
                $"this run needs about {Mb(bytes)} MB of memory (steps_per_iteration {config.StepsPerIteration}, {p} policy parameters, num_envs {config.NumEnvs}), more than the limit of {Mb(limitBytes)} MB (80% of available memory); lower steps_per_iteration or the network sizes"));
    }

    /// <summary>Bytes the run's largest arrays take: the rollout batch, per-sample scores, the dense Fisher, networks and critic features.</summary>
    public static long Estimate(TrainConfig config, int observationDimension, Space actionSpace, long parameters)
    {
        long batch = config.StepsPerIteration + (long)config.NumEnvs;
        long obs = observationDimension, act = actionSpace.Dimension;
        double doubles = batch * (double)(obs + act + 10);             // rollout buffer
        doubles += 8.0 * parameters;                                   // θ, gradients, steps, CG vectors
        if (UsesDenseFisher(config))
        {
            doubles += 3.0 * parameters * parameters;                  // F, its factorisation, a product's copy
            if (config.Algo is NpgConfig { Fisher: FisherKind.Empirical }) doubles += batch * (double)parameters; // scores Sᵀ
        }
        if (config.Policy is MlpPolicyConfig m) doubles += 2.0 * batch * m.HiddenSizes.Sum(h => (double)h); // activations
        doubles += config.Baseline switch
        {
            RffBaselineConfig r => batch * (double)r.Features,
            MlpBaselineConfig b => 6.0 * Chain([observationDimension, .. b.HiddenSizes, 1]) + 2.0 * batch * b.HiddenSizes.Sum(h => (double)h),
            _ => 0,
        };
        doubles += 64.0 * config.NumEnvs * obs;                        // env copies and their buffers
        return doubles * 8 > long.MaxValue / 2 ? long.MaxValue / 2 : (long)(doubles * 8);
    }

    /// <summary>Floating-point operations of one iteration: policy passes over the batch, the dense Fisher, the critic fit.</summary>
    public static double Work(TrainConfig config, Space actionSpace, long parameters, int observationDimension)
    {
        double batch = config.StepsPerIteration, p = parameters, k = actionSpace is DiscreteSpace d ? d.N : actionSpace.Dimension;
        double work = 20 * batch * p;
        if (UsesDenseFisher(config)) work += batch * p * p * k + p * p * p;
        else if (config.Algo is NaturalGradientConfig g) work += 4.0 * batch * p * g.CgIterations;
        work += config.Baseline switch
        {
            RffBaselineConfig r => batch * r.Features * (double)r.Features + Math.Pow(r.Features, 3),
            MlpBaselineConfig b => 6.0 * b.Epochs * batch * Chain([observationDimension, .. b.HiddenSizes, 1]),
            _ => 0,
        };
        return work;
    }

    private static long Chain(int[] sizes)
    {
        long sum = 0;
        for (int l = 0; l + 1 < sizes.Length; l++) sum += sizes[l + 1] * (sizes[l] + 1L);
        return sum;
    }

    /// <summary>npg with the exact or empirical Fisher forms it as a dense P×P matrix; under <c>curvature = "kfac"</c> it does not (only the per-layer factors).</summary>
    private static bool UsesDenseFisher(TrainConfig config) => config.Algo is NpgConfig { Fisher: not FisherKind.MatrixFree, Curvature: not "kfac" };

    private static string FisherName(TrainConfig config) => config.Algo is NpgConfig { Fisher: FisherKind.Empirical } ? "empirical" : "exact";

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F0", CultureInfo.InvariantCulture);
}
