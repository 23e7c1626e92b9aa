using System.Diagnostics;
using NatPolicy.Agents.Updates;
using NatPolicy.Core;
using NatPolicy.Envs.Vector;

namespace NatPolicy.Agents.Training;

/// <summary>
/// The policy-gradient loop. One iteration, as in the papers:
/// <list type="number">
/// <item>collect at least B environment steps with the current policy (vectorised env);</item>
/// <item>estimate advantages with GAE(γ, λ) against the baseline (bootstrap V on truncation, 0 on termination);</item>
/// <item>compute the policy gradient g = Ê[Â ∇θ log π(a|s)];</item>
/// <item>take the update (vanilla, natural or trust-region: <see cref="IPolicyUpdate"/>);</item>
/// <item>refit the baseline and report the iteration.</item>
/// </list>
/// Single-threaded and fully determined by its components' seeds; <see cref="Save"/>/<see cref="Load"/> capture
/// everything, so a resumed run continues bit for bit.
/// </summary>
public sealed class Trainer : ISnapshotable
{
    private readonly TrainConfig _config;
    private readonly IVectorEnv _env;
    private readonly IPolicy _policy;
    private readonly IPolicyUpdate _update;
    private readonly IValueBaseline? _baseline;
    private readonly Rng _actionRng;
    private readonly RolloutBuffer _buffer;
    private readonly int[] _stepInEpisode;
    private readonly double[] _actionBlock;
    private readonly double[] _gradient;
    private readonly double[] _thetaBefore;
    private readonly double[] _thetaAfter;
    private readonly List<EpisodeStats> _finished;
    private readonly Snapshot _baselineBefore = new();
    private readonly Snapshot _baselineAfter = new();
    private readonly ulong _envSeed;
    private bool _started;

    /// <param name="config">The run's config (defines B, N, γ, λ, advantage normalisation).</param>
    /// <param name="env">N copies, already wrapped (normalisation etc.); reset by the trainer on the first iteration.</param>
    /// <param name="policy">Initial policy.</param>
    /// <param name="update">The update rule.</param>
    /// <param name="baseline">Value baseline, or null for none (advantage = return).</param>
    /// <param name="actionRng">Generator for action sampling.</param>
    /// <param name="envSeed">Seed of the vector env's first reset (copy i gets envSeed + i).</param>
    public Trainer(TrainConfig config, IVectorEnv env, IPolicy policy, IPolicyUpdate update, IValueBaseline? baseline, Rng actionRng, ulong envSeed)
    {
        _envSeed = envSeed;
        _config = config;
        _env = env;
        _policy = policy;
        _update = update;
        _baseline = baseline;
        _actionRng = actionRng;
        int n = env.Count;
        _buffer = new RolloutBuffer(config.RolloutLength(), n, env.SingleObservationSpace.Dimension, env.SingleActionSpace.Dimension);
        _stepInEpisode = new int[n];
        _finished = new List<EpisodeStats>(_buffer.Count); // every step can end an episode: never regrown
        _actionBlock = new double[n * env.SingleActionSpace.Dimension];
        _gradient = new double[policy.ParameterCount];
        _thetaBefore = new double[policy.ParameterCount];
        _thetaAfter = new double[policy.ParameterCount];
    }

    public IPolicy Policy => _policy;
    public IVectorEnv Env => _env;
    public int Iteration { get; private set; }
    public long EnvSteps { get; private set; }
    public long Episodes { get; private set; }

    /// <summary>Where the last <see cref="RunIteration"/> spent its time (default before the first).</summary>
    public IterationPhases LastPhases { get; private set; }

    /// <summary>Runs one iteration and returns its log row.</summary>
    public IterationLog RunIteration()
    {
        long t0 = Stopwatch.GetTimestamp();
        if (!_started)
        {
            _env.Reset(_envSeed);
            _started = true;
        }
        FreezeNormalizerWhenDue();
        Collect();
        long t1 = Stopwatch.GetTimestamp();
        EstimateAdvantages();
        long t2 = Stopwatch.GetTimestamp();
        _policy.GetParameters(_thetaBefore);
        double gradNorm = PolicyGradient(_gradient);
        double entropy = _buffer.Rows(_policy).MeanEntropy(_thetaBefore);
        long t3 = Stopwatch.GetTimestamp();

        IterationPhases.LineSearchTicks = 0;
        var result = _update.Update(_policy, _buffer, _gradient);
        long t4 = Stopwatch.GetTimestamp(), lineSearch = IterationPhases.LineSearchTicks;
        _policy.GetParameters(_thetaAfter);
        double kl = result.Accepted ? _buffer.Rows(_policy).MeanKl(_thetaBefore, _thetaAfter) : 0.0;
        // Fail safe: an accepted step whose θ or KL is not finite is rejected, leaving θ bit-identical.
        // Likewise a step to a θ the policy cannot act with (a Gaussian σ so large its samples could overflow).
        string? unsafeStep = !result.Accepted ? null
            : !AllFinite(_thetaAfter) ? "non-finite parameters after the step"
            : !double.IsFinite(kl) ? "non-finite KL after the step"
            : _policy.Unusable(_thetaAfter);
        if (unsafeStep is not null)
        {
            _policy.SetParameters(_thetaBefore);
            result = UpdateResult.Rejected(unsafeStep, result.CgIterations, result.CgResidual, result.LineSearchSteps);
            kl = 0.0;
        }

        long t5 = Stopwatch.GetTimestamp();
        FitBaseline(ref result);
        long t6 = Stopwatch.GetTimestamp();

        Iteration++;
        EnvSteps += _buffer.Count;
        Episodes += _finished.Count;
        var log = IterationLog.From(Iteration, EnvSteps, _finished, entropy, kl, gradNorm, result);
        LastPhases = new IterationPhases(t1 - t0, t2 - t1, t3 - t2, t4 - t3 - lineSearch, lineSearch, t6 - t5, t5 - t4 + Stopwatch.GetTimestamp() - t6);
        return log;
    }

    /// <summary>
    /// Fits the critic; when the fit leaves a non-finite weight the critic is restored to its state before the fit
    /// (its last finite state) and the row's rejection says so.
    /// </summary>
    private void FitBaseline(ref UpdateResult result)
    {
        if (_baseline is null) return;
        _baselineBefore.Clear();
        _baseline.Save(_baselineBefore);
        _baseline.Fit(_buffer.Observations, _buffer.StepInEpisode, _buffer.Returns, _buffer.Count);
        _baselineAfter.Clear();
        _baseline.Save(_baselineAfter);
        if (AllFinite(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_baselineAfter.Doubles))) return;
        _baseline.Load(_baselineBefore.Reader());
        const string why = "critic fit gave non-finite weights; critic restored";
        result = result with { Rejection = result.Rejection is null ? why : result.Rejection + "; " + why };
    }

    private static bool AllFinite(ReadOnlySpan<double> xs)
    {
        foreach (var x in xs) if (!double.IsFinite(x)) return false;
        return true;
    }

    /// <summary>
    /// Stops the observation normaliser's statistics once <see cref="TrainConfig.NormalizeObservationsUntil"/> env
    /// steps (&gt; 0) have been collected, so the policy's inputs stop shifting under it.
    /// </summary>
    private void FreezeNormalizerWhenDue()
    {
        if (_config.NormalizeObservationsUntil > 0 && EnvSteps >= _config.NormalizeObservationsUntil
            && _env is NormalizeObservationVector normalizer)
            normalizer.Frozen = true;
    }

    /// <summary>Step 1: T steps of N envs with actions sampled from π_θ.</summary>
    private void Collect()
    {
        _finished.Clear();
        var b = _buffer;
        int n = b.Envs, od = b.ObservationDimension, ad = b.ActionDimension;
        for (int t = 0; t < b.Steps; t++)
        {
            var obs = _env.Observations;
            int row0 = t * n;
            obs.CopyTo(b.Observations.AsSpan(row0 * od, n * od));
            for (int i = 0; i < n; i++)
            {
                int row = row0 + i;
                var s = b.Observations.AsSpan(row * od, od);
                var a = b.Actions.AsSpan(row * ad, ad);
                b.LogProbs[row] = _policy.SampleWithLogProb(s, _actionRng, a);
                b.StepInEpisode[row] = _stepInEpisode[i];
            }
            b.Actions.AsSpan(row0 * ad, n * ad).CopyTo(_actionBlock);
            _env.Step(_actionBlock);

            var rewards = _env.Rewards;
            var term = _env.Terminated;
            var trunc = _env.Truncated;
            var episodes = _env.FinishedEpisodes;
            for (int i = 0; i < n; i++)
            {
                int row = row0 + i;
                b.Rewards[row] = rewards[i];
                b.Terminated[row] = term[i];
                b.Truncated[row] = trunc[i];
                if (term[i] || trunc[i])
                {
                    if (episodes[i] is { } e) _finished.Add(e);
                    // Bootstrap value of the final observation of a truncated episode (time limit).
                    b.NextValues[row] = trunc[i] && !term[i] && _baseline is not null
                        ? _baseline.Predict(_env.FinalObservations.Slice(i * od, od), _stepInEpisode[i] + 1)
                        : 0.0;
                    _stepInEpisode[i] = 0;
                }
                else
                {
                    _stepInEpisode[i]++;
                }
            }
        }
    }

    /// <summary>Step 2: baseline values, GAE(γ, λ), optional normalisation.</summary>
    private void EstimateAdvantages()
    {
        var b = _buffer;
        int n = b.Envs, od = b.ObservationDimension;
        if (_baseline is null) Array.Clear(b.Values, 0, b.Count);
        else _baseline.PredictBatch(b.Observations.AsSpan(0, b.Count * od), b.StepInEpisode, b.Count, b.Values);
        for (int row = 0; row < b.Count; row++)
        {
            if (b.Terminated[row] || b.Truncated[row]) continue;
            int next = row + n;
            b.NextValues[row] = next < b.Count
                ? b.Values[next]
                : _baseline?.Predict(_env.Observations.Slice((row % n) * od, od), _stepInEpisode[row % n]) ?? 0.0;
        }
        Advantages.Gae(b.Rewards, b.Values, b.NextValues, b.Terminated, b.Truncated, n,
            _config.Gamma, _config.GaeLambda, b.Advantages, b.Returns);
        if (_config.NormalizeAdvantages) Advantages.Normalize(b.Advantages);
    }

    /// <summary>Step 3: g = (1/N) Σᵢ Âᵢ ∇θ log π(aᵢ|sᵢ) at θ = <see cref="_thetaBefore"/>, over the batch's shared rows. Returns ‖g‖.</summary>
    private double PolicyGradient(Span<double> g)
    {
        _buffer.Rows(_policy).PolicyGradient(_thetaBefore, _buffer.Advantages, g);
        double norm = 0;
        foreach (var x in g) norm += x * x;
        return Math.Sqrt(norm);
    }

    /// <summary>False when the env (a user's env without <see cref="ISnapshotable"/>) cannot be saved: no checkpoints then.</summary>
    public bool CanSnapshot => ISnapshotable.Supported(_env);

    public void Save(Snapshot into)
    {
        into.Write(Iteration);
        into.Write(EnvSteps);
        into.Write(Episodes);
        into.Write(_started);
        _policy.GetParameters(_thetaBefore);
        into.Write(_thetaBefore);
        into.Write(_actionRng.GetState());
        foreach (var k in _stepInEpisode) into.Write(k);
        ((ISnapshotable)_env).Save(into);
        _baseline?.Save(into);
        _update.Save(into);
    }

    public void Load(SnapshotReader from)
    {
        Iteration = (int)from.ReadLong();
        EnvSteps = from.ReadLong();
        Episodes = from.ReadLong();
        _started = from.ReadBool();
        from.ReadDoubles(_thetaBefore);
        _policy.SetParameters(_thetaBefore);
        var rng = Rng.FromState(from.ReadRng());
        _actionRng.Restore(rng);
        for (int i = 0; i < _stepInEpisode.Length; i++) _stepInEpisode[i] = (int)from.ReadLong();
        ((ISnapshotable)_env).Load(from);
        _baseline?.Load(from);
        _update.Load(from);
    }
}
