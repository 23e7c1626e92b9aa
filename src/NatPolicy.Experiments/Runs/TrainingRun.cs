using System.Diagnostics;
using System.Text;
using NatPolicy.Agents.Training;
using NatPolicy.Core;
using NatPolicy.Envs;
using NatPolicy.Experiments.Configuration;

namespace NatPolicy.Experiments.Runs;

/// <summary>How a run treats its output folder.</summary>
public enum FolderMode
{
    /// <summary>The folder must not hold another run.</summary>
    New,

    /// <summary>Delete the run files already in the folder first.</summary>
    Force,

    /// <summary>Continue the run in the folder from its newest checkpoint.</summary>
    Resume,
}

/// <summary>
/// Trains one (config, seed) into a <see cref="RunFolder"/>: the resolved config first, then one progress row per
/// iteration (appended and flushed as the iteration ends), checkpoints every <c>checkpoint_every</c> iterations,
/// and the final <c>policy.json</c>. Resuming restores the newest checkpoint exactly, so the rows that follow are the
/// rows an uninterrupted run writes.
/// <para>With <c>eval_every</c> &gt; 0 the policy is also evaluated after every <c>eval_every</c>-th iteration (after
/// its progress row, before its checkpoint): one row of <c>eval.csv</c> (<see cref="EvalCsv"/>) and, when its mean
/// return beats every earlier one (ties keep the earlier), that policy as <c>best_policy.json</c>. The evaluation uses
/// its own env and seeds, so training is the same with or without it.</para>
/// <para>A run of an env that is not <see cref="ISnapshotable"/> (a user's env may skip snapshots) trains and writes
/// everything else but no checkpoints; resuming it starts again from iteration 0, which gives the same rows.</para>
/// </summary>
public sealed class TrainingRun
{
    private readonly RunFolder _folder;
    private readonly RunComponents _parts;
    private double _wallOffset;
    private int _lastCheckpoint = -1;
    private string? _configHash;
    private double? _bestEvalMean;
    private IEnv? _evalEnv;

    private TrainingRun(RunFolder folder, TrainConfig config, RunComponents parts)
    {
        _folder = folder;
        Config = config;
        _parts = parts;
    }

    public TrainConfig Config { get; }
    public RunFolder Folder => _folder;
    public Trainer Trainer => _parts.Trainer;

    /// <summary>The run's parts (trainer, observation normaliser), for acting with the policy as it trains.</summary>
    public RunComponents Components => _parts;

    /// <summary>SHA-256 of the config as config.json holds it (recorded in every checkpoint and in comparison.json).</summary>
    public string ConfigHash => _configHash ??= RunFolder.ConfigHash(ConfigJson.Serialize(Config));

    /// <summary>
    /// Prepares the folder and the trainer. For <see cref="FolderMode.Resume"/> the config is read from the folder and
    /// <paramref name="config"/> is ignored. Throws <see cref="RunException"/> (one line) when the folder cannot be used.
    /// </summary>
    public static TrainingRun Open(string outDir, TrainConfig? config, FolderMode mode)
    {
        if (string.IsNullOrWhiteSpace(outDir)) throw new RunException("the run folder must be a non-empty path");
        var folder = new RunFolder(outDir);
        if (mode == FolderMode.Resume)
        {
            if (!File.Exists(folder.Config))
                throw new RunException($"--resume {outDir}: no {RunFolder.ConfigFile} there, so there is no run to resume");
            TrainConfig saved;
            try
            {
                saved = ConfigResolver.Load(File.ReadAllText(folder.Config), folder.Config);
            }
            catch (ConfigException e)
            {
                throw new RunException(e.Message);
            }
            if (!EnvRegistry.IsRegistered(saved.EnvId))
                throw new RunException($"--resume {outDir}: env '{saved.EnvId}' is not registered in this program; registered ids: {string.Join(", ", EnvRegistry.Ids)}");
            AtomicFile.RemoveStale(folder.Path);
            return Restore(folder, saved);
        }

        ArgumentNullException.ThrowIfNull(config);
        // Everything is built (and every size checked) before the folder is touched, so a refused start writes nothing.
        var components = RunComponents.Build(config);
        if (mode != FolderMode.Force && Directory.Exists(folder.Path) && Compare.Comparison.LooksLikeComparison(folder.Path))
            throw new RunException($"output folder {outDir} holds a comparison; choose another --out");
        if (folder.HoldsRun)
        {
            // A start that failed before its first row left only config.json and the header: not a run to protect.
            if (mode != FolderMode.Force && !folder.HoldsFailedStart)
                throw new RunException($"output folder {outDir} already holds a run; use --force to replace it or --resume to continue it");
            folder.Clear();
        }
        Directory.CreateDirectory(folder.Path);
        string json = ConfigJson.Serialize(config);
        RunFolder.WriteAtomic(folder.Config, json);
        RunFolder.WriteAtomic(folder.Progress, ProgressCsv.Header + "\n");
        if (config.EvalEvery > 0) RunFolder.WriteAtomic(folder.Eval, EvalCsv.Header + "\n");
        return new TrainingRun(folder, config, components) { _configHash = RunFolder.ConfigHash(json) };
    }

    /// <summary>Warnings of the resume (a damaged checkpoint skipped), for the caller to show.</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>
    /// Restores the newest valid checkpoint (older ones when the newest are damaged, each named in
    /// <see cref="Warnings"/>) and rewinds progress.csv to its iteration. Refuses a config that changed since the
    /// checkpoint was written and a log that lacks rows the checkpoint covers.
    /// </summary>
    private static TrainingRun Restore(RunFolder folder, TrainConfig config)
    {
        string hash = RunFolder.ConfigHash(ConfigJson.Serialize(config));
        var warnings = new List<string>();
        RunComponents? parts = null;
        int keep = 0;
        foreach (var file in folder.CheckpointFiles())
        {
            Checkpoint c;
            try
            {
                c = RunFolder.ReadCheckpoint(file);
            }
            catch (FormatException e)
            {
                warnings.Add($"skipped damaged checkpoint: {e.Message}");
                continue;
            }
            if (c.ConfigSha256 is { } h && h != hash)
                throw new RunException($"{folder.Config} changed since {Path.GetFileName(file)} was written (config sha256 {hash[..12]}… ≠ {h[..Math.Min(12, h.Length)]}…); restore the config or start again with --force");
            var candidate = RunComponents.Build(config);
            try
            {
                var reader = c.Snapshot.Reader();
                candidate.Load(reader);
                if (!reader.AtEnd) throw new FormatException("more state than this config's run holds");
                if (candidate.Trainer.Iteration != c.Iteration) throw new FormatException($"it holds iteration {candidate.Trainer.Iteration}");
            }
            catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException or InvalidDataException)
            {
                warnings.Add($"skipped damaged checkpoint: {file}: state does not fit the config ({e.Message.Split('\n')[0]})");
                continue;
            }
            parts = candidate;
            keep = c.Iteration;
            break;
        }
        parts ??= RunComponents.Build(config);
        var run = new TrainingRun(folder, config, parts) { Warnings = warnings, _configHash = hash };
        run.RewindProgress(keep);
        return run;
    }

    /// <summary>Keeps the log rows 1 … <paramref name="keep"/> the checkpoint covers (later rows are re-created); refuses a log missing any of them.</summary>
    private void RewindProgress(int keep)
    {
        var kept = new List<string> { ProgressCsv.Header };
        var rows = File.Exists(_folder.Progress) ? ProgressCsv.Read(_folder.Progress) : [];
        foreach (var row in rows.Where(r => r.Iteration <= keep))
        {
            if (row.Iteration != kept.Count)
                throw new RunException($"{_folder.Progress}: row for iteration {kept.Count} is missing (found {row.Iteration}), but the checkpoint covers iterations 1 … {keep}; restore the file or start again with --force");
            kept.Add(row.Line);
            _wallOffset = double.IsFinite(row.WallSeconds) ? row.WallSeconds : _wallOffset;
        }
        if (kept.Count - 1 != keep)
            throw new RunException($"{_folder.Progress} has {kept.Count - 1} rows, but the checkpoint covers iterations 1 … {keep}; restore the file or start again with --force");
        RunFolder.WriteAtomic(_folder.Progress, string.Join('\n', kept) + "\n");
        if (Config.EvalEvery > 0)
        {
            // Likewise the evaluations; the best of the kept ones is the one a later evaluation must beat (a
            // best_policy.json from a dropped evaluation is rewritten when the resumed run reaches it again).
            var evals = File.Exists(_folder.Eval) ? EvalCsv.Read(_folder.Eval).Where(e => e.Iteration <= keep).ToArray() : [];
            _bestEvalMean = EvalCsv.Best(evals)?.ReturnMean;
            RunFolder.WriteAtomic(_folder.Eval, string.Join('\n', evals.Select(e => e.Line).Prepend(EvalCsv.Header)) + "\n");
        }
    }

    /// <summary>
    /// Trains until <c>total_steps</c> env steps, calling <paramref name="onIteration"/> after each logged row, then
    /// writes the final checkpoint and policy.json. Cancelling stops after the current iteration's row and writes
    /// nothing more (as an interruption would; <c>--resume</c> continues from the newest checkpoint).
    /// Returns the rows of this call.
    /// </summary>
    public IReadOnlyList<IterationLog> Run(Action<IterationLog>? onIteration = null, CancellationToken cancel = default)
    {
        var rows = new List<IterationLog>();
        var clock = Stopwatch.StartNew();
        // Unbuffered, one write per row: a failed write leaves nothing queued to be written later.
        using (var log = new FileStream(_folder.Progress, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 1))
        using (var evalLog = Config.EvalEvery > 0 ? new StreamWriter(new FileStream(_folder.Eval, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) : null)
        {
            while (Trainer.EnvSteps < Config.TotalSteps && !cancel.IsCancellationRequested)
            {
                var row = Trainer.RunIteration();
                long end = log.Position;
                try
                {
                    AtomicFile.BeforeWrite?.Invoke(_folder.Progress);
                    log.Write(Encoding.UTF8.GetBytes(ProgressCsv.Row(row, Trainer.Episodes, _wallOffset + clock.Elapsed.TotalSeconds) + "\n"));
                    log.Flush();
                }
                catch (IOException)
                {
                    // A full disk: cut the torn row so the log ends at the last whole row (resume continues from there).
                    try
                    {
                        log.SetLength(end);
                    }
                    catch (IOException)
                    {
                        // The reader drops a torn last line anyway.
                    }
                    throw;
                }
                rows.Add(row);
                if (evalLog is not null && row.Iteration % Config.EvalEvery == 0)
                    Evaluate(evalLog);
                if (Config.CheckpointEvery > 0 && row.Iteration % Config.CheckpointEvery == 0)
                    Checkpoint(durable: Trainer.EnvSteps >= Config.TotalSteps);
                onIteration?.Invoke(row);
            }
        }
        if (cancel.IsCancellationRequested) return rows;
        if (_lastCheckpoint != Trainer.Iteration) Checkpoint(durable: true);
        RunFolder.WriteAtomic(_folder.Policy, _parts.PolicyJson());
        return rows;
    }

    /// <summary>
    /// Evaluates the current policy as <c>evaluate</c> would evaluate its policy.json (the same JSON round trip),
    /// appends the eval.csv row and keeps the policy when it is the best so far.
    /// </summary>
    private void Evaluate(StreamWriter log)
    {
        string json = _parts.PolicyJson();
        var (policy, normalizer) = PolicyFile.Parse(json, _folder.BestPolicy).Build();
        var settings = EvalCsv.Settings(Config.EvalEpisodes);
        _evalEnv ??= EnvRegistry.Make(Config.EnvId);
        var result = Evaluation.Run(_evalEnv, policy, normalizer, settings.Episodes, settings.FirstSeed, settings.Deterministic);
        log.Write(EvalCsv.Row(Trainer.Iteration, Trainer.EnvSteps, settings, result));
        log.Write('\n');
        log.Flush();
        if (_bestEvalMean is not { } best || result.Mean > best)
        {
            _bestEvalMean = result.Mean;
            RunFolder.WriteAtomic(_folder.BestPolicy, json);
        }
    }

    /// <summary>
    /// Writes a checkpoint of the current iteration (nothing when the env cannot be snapshotted). The periodic ones
    /// before the last are not flushed to disk (<paramref name="durable"/> false): each is atomic against a crash or
    /// kill, and one lost to a power failure is skipped by resume, which falls back to the previous checkpoint; the
    /// run's final checkpoint is flushed like config.json and policy.json.
    /// </summary>
    private void Checkpoint(bool durable)
    {
        if (!Trainer.CanSnapshot) return;
        var snapshot = new Snapshot();
        _parts.Save(snapshot);
        // A state holding a non-finite number is not saved: resume then falls back to the last finite checkpoint.
        if (snapshot.Doubles.Any(x => !double.IsFinite(x))) return;
        _folder.WriteCheckpoint(Trainer.Iteration, snapshot, ConfigHash, durable);
        _lastCheckpoint = Trainer.Iteration;
    }
}

/// <summary>A run folder or resume request that cannot be honoured (one line).</summary>
public sealed class RunException(string message) : InputException(message);
