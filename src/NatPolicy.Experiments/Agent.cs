using System.Globalization;
using NatPolicy.Agents;
using NatPolicy.Agents.Training;
using NatPolicy.Core;
using NatPolicy.Envs;
using NatPolicy.Experiments.Configuration;
using NatPolicy.Experiments.Runs;

namespace NatPolicy;

/// <summary>
/// The front door for library users: create an agent for a registered env (built-in or
/// <see cref="EnvRegistry.Register"/>ed) and an algorithm, <see cref="Learn"/>, <see cref="Predict(ReadOnlySpan{double}, Span{double}, Rng?)"/>,
/// <see cref="Evaluate"/>, <see cref="Save"/> and <see cref="Load"/>. It composes the parts the <c>train</c> and
/// <c>evaluate</c> verbs use (<see cref="RunComponents"/>, <see cref="TrainingRun"/>, <see cref="Evaluation"/>,
/// <see cref="PolicyFile"/>), so a run folder it writes is the one <c>train</c> writes for the same config, and an
/// evaluation is the one <c>evaluate</c> reports for the saved policy.
/// <para>Not thread-safe (the policy and the prediction scratch are shared); one agent per thread.</para>
/// </summary>
public sealed class Agent
{
    private RunComponents? _parts;
    private IPolicy _policy;
    private RunningMeanStd? _normalizer;
    private readonly PolicyFile? _loaded;
    private readonly double[] _input;

    private Agent(string envId, TrainConfig? config, RunComponents? parts, IPolicy policy, RunningMeanStd? normalizer, PolicyFile? loaded)
    {
        EnvId = envId;
        Config = config;
        _parts = parts;
        _policy = policy;
        _normalizer = normalizer;
        _loaded = loaded;
        _input = new double[policy.ObservationDimension];
    }

    /// <summary>The id of the env the policy acts in.</summary>
    public string EnvId { get; }

    /// <summary>The training config (the env's defaults for the algorithm, with the seed and the caller's changes);
    /// null for an agent made by <see cref="Load"/>.</summary>
    public TrainConfig? Config { get; private set; }

    /// <summary>The policy as it is now (θ changes while <see cref="Learn"/> runs).</summary>
    public IPolicy Policy => _policy;

    /// <summary>The observation normaliser's statistics (null when observations are not normalised). While training
    /// they are updated by each batch; <see cref="Predict(ReadOnlySpan{double}, Span{double}, Rng?)"/> and
    /// <see cref="Evaluate"/> only read them.</summary>
    public RunningMeanStd? ObservationNormalizer => _normalizer;

    /// <summary>Env steps trained so far (0 for a loaded agent).</summary>
    public long EnvSteps => _parts?.Trainer.EnvSteps ?? 0;

    /// <summary>
    /// A new agent: the defaults for (<paramref name="envId"/>, <paramref name="algo"/>) (<see cref="TrainDefaults.For"/>,
    /// as <c>train --print-config</c> shows them) with <see cref="TrainConfig.Seed"/> = <paramref name="seed"/>, then
    /// <paramref name="configure"/> applied to it (e.g. <c>c =&gt; c with { Policy = new MlpPolicyConfig() }</c>). The policy is initialised from the seed, so the agent can act
    /// before it learns.
    /// </summary>
    /// <param name="algo">"vpg", "npg" or "trpo".</param>
    /// <exception cref="ArgumentException">An unregistered env id (the message lists the registered ones).</exception>
    /// <exception cref="ConfigException">An invalid config value (one line naming it).</exception>
    public static Agent Create(string envId, string algo, ulong seed = 0, Func<TrainConfig, TrainConfig>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(envId);
        ArgumentNullException.ThrowIfNull(algo);
        _ = EnvRegistry.Spec(envId);
        var config = ConfigResolver.Resolve(envId, algo, null, null, [("seed", seed.ToString(CultureInfo.InvariantCulture))]);
        if (configure is not null) config = configure(config);
        if (config.EnvId != envId)
            throw new ConfigException($"the config function changed env_id from '{envId}' to '{config.EnvId}'; create an agent for '{config.EnvId}' instead");
        var parts = RunComponents.Build(config);
        return new Agent(envId, config, parts, parts.Trainer.Policy, parts.Normalizer?.Statistics, loaded: null);
    }

    /// <summary>
    /// Trains for <paramref name="steps"/> more env steps (it stops after the iteration that reaches
    /// <see cref="EnvSteps"/> + <paramref name="steps"/>), calling <paramref name="onIteration"/> after each iteration.
    /// <para>With <paramref name="runFolder"/> the agent must not have learned yet: the folder receives config.json
    /// (the config with <c>total_steps</c> = <paramref name="steps"/>), progress.csv, checkpoints and policy.json
    /// exactly as <c>natpolicy train</c> writes them for that config (no learning-curve figure: plots are the CLI's).
    /// A folder that already holds a run is refused unless <paramref name="overwrite"/>.</para>
    /// Cancelling stops after the current iteration (a run folder then gets no final checkpoint or policy.json).
    /// Returns the iterations of this call.
    /// </summary>
    /// <exception cref="InvalidOperationException">A loaded agent (policy.json holds no critic or optimiser state),
    /// or a run folder for an agent that has already learned.</exception>
    /// <exception cref="RunException">The run folder cannot be used (one line).</exception>
    public IReadOnlyList<IterationLog> Learn(long steps, string? runFolder = null, Action<IterationLog>? onIteration = null,
        bool overwrite = false, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (_parts is null || Config is null)
            throw new InvalidOperationException($"an agent loaded from policy.json cannot learn (the file holds no critic or optimiser state); create one with Agent.Create(\"{EnvId}\", ...) or resume a run folder with natpolicy train --resume");
        if (runFolder is not null)
        {
            if (EnvSteps > 0)
                throw new InvalidOperationException($"a run folder holds a whole run, but this agent has already trained {EnvSteps} steps; learn into a folder from a new agent");
            var run = TrainingRun.Open(runFolder, Config with { TotalSteps = steps }, overwrite ? FolderMode.Force : FolderMode.New);
            Config = run.Config;
            _parts = run.Components;
            _policy = _parts.Trainer.Policy;
            _normalizer = _parts.Normalizer?.Statistics;
            return run.Run(onIteration, cancel);
        }
        var rows = new List<IterationLog>();
        long target = EnvSteps + steps;
        while (_parts.Trainer.EnvSteps < target && !cancel.IsCancellationRequested)
        {
            var row = _parts.Trainer.RunIteration();
            rows.Add(row);
            onIteration?.Invoke(row);
        }
        return rows;
    }

    /// <summary>
    /// The action for one raw observation (length <c>Policy.ObservationDimension</c>) into <paramref name="action"/>
    /// (length <c>Policy.ActionSpace.Dimension</c>; a discrete action is one double holding its index), exactly as
    /// <c>evaluate</c> computes it: the observation is normalised with the agent's statistics, then without
    /// <paramref name="rng"/> the deterministic action (softmax: the most probable action; Gaussian: the mean μ, not
    /// clipped: the env clips), with it a draw a ~ π(·|s) from <paramref name="rng"/>. Allocates nothing.
    /// </summary>
    public void Predict(ReadOnlySpan<double> observation, Span<double> action, Rng? rng = null)
    {
        if (observation.Length != _input.Length)
            throw new ArgumentException($"the observation has length {observation.Length}; {EnvId}'s policy takes {_input.Length}", nameof(observation));
        if (action.Length != _policy.ActionSpace.Dimension)
            throw new ArgumentException($"the action buffer has length {action.Length}; {EnvId}'s actions have {_policy.ActionSpace.Dimension}", nameof(action));
        if (_normalizer is null) observation.CopyTo(_input);
        else _normalizer.Normalize(observation, _input);
        if (rng is null) _policy.MeanAction(_input, action);
        else _policy.Sample(_input, rng, action);
    }

    /// <summary><see cref="Predict(ReadOnlySpan{double}, Span{double}, Rng?)"/> into a new array.</summary>
    public double[] Predict(ReadOnlySpan<double> observation, Rng? rng = null)
    {
        var action = new double[_policy.ActionSpace.Dimension];
        Predict(observation, action, rng);
        return action;
    }

    /// <summary>
    /// Runs <paramref name="episodes"/> whole episodes of <c>EnvRegistry.Make(EnvId)</c> with the policy as it is now
    /// (<see cref="Evaluation.Run"/>: episode k reset with seed <paramref name="seed"/> + k), as <c>natpolicy
    /// evaluate</c> does for the saved policy.
    /// </summary>
    public Evaluation Evaluate(int episodes = 10, ulong seed = 0, bool deterministic = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(episodes);
        return Evaluation.Run(EnvRegistry.Make(EnvId), _policy, _normalizer, episodes, seed, deterministic);
    }

    /// <summary>Writes the policy.json of the policy as it is now (normaliser statistics frozen; atomic), which
    /// <see cref="Load"/>, <c>natpolicy evaluate --policy</c> and docs/formats.md read.</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        RunFolder.WriteAtomic(path, _parts?.PolicyJson() ?? _loaded!.ToJson());
    }

    /// <summary>
    /// An agent acting with a saved policy: <paramref name="path"/> is a policy.json or a run folder holding one. It
    /// predicts bit-identically to the agent that saved it; <see cref="Evaluate"/> needs its env registered.
    /// </summary>
    /// <exception cref="FormatException">A missing or malformed file (one line naming it).</exception>
    public static Agent Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) path = Path.Combine(path, RunFolder.PolicyFile);
        var file = PolicyFile.Load(path);
        var (policy, normalizer) = file.Build();
        return new Agent(file.EnvId, config: null, parts: null, policy, normalizer, file);
    }
}
