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

    /// <summary>
    /// Prepares the folder and the trainer. For <see cref="FolderMode.Resume"/> the config is read from the folder and
    /// <paramref name="config"/> is ignored. Throws <see cref="RunException"/> (one line) when the folder cannot be used.
    /// </summary>
    public static TrainingRun Open(string outDir, TrainConfig? config, FolderMode mode)
    {
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
            var parts = RunComponents.Build(saved);
            // An env without snapshots writes no checkpoints: the run then resumes from iteration 0 (progress.csv is
            // rewound to its header), which gives the uninterrupted rows again because the seed fixes the run.
            var run = new TrainingRun(folder, saved, parts);
            run.RestoreFromCheckpoint();
            return run;
        }

        ArgumentNullException.ThrowIfNull(config);
        if (folder.HoldsRun)
        {
            if (mode != FolderMode.Force)
                throw new RunException($"output folder {outDir} already holds a run; use --force to replace it or --resume to continue it");
            folder.Clear();
        }
        var components = RunComponents.Build(config);
        Directory.CreateDirectory(folder.Path);
        RunFolder.WriteAtomic(folder.Config, config.ToJson());
        RunFolder.WriteAtomic(folder.Progress, ProgressCsv.Header + "\n");
        if (config.EvalEvery > 0) RunFolder.WriteAtomic(folder.Eval, EvalCsv.Header + "\n");
        return new TrainingRun(folder, config, components);
    }

    private void RestoreFromCheckpoint()
    {
        var checkpoint = _folder.LatestCheckpoint();
        int keep = 0;
        if (checkpoint is { } c)
        {
            _parts.Load(c.Snapshot.Reader());
            keep = c.Iteration;
        }
        // Keep the log rows the checkpoint covers; later rows are re-created by the resumed run.
        var kept = new List<string> { ProgressCsv.Header };
        if (File.Exists(_folder.Progress))
        {
            foreach (var row in ProgressCsv.Read(_folder.Progress).Where(r => r.Iteration <= keep))
            {
                kept.Add(row.Line);
                _wallOffset = row.WallSeconds;
            }
        }
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
        using (var log = new StreamWriter(new FileStream(_folder.Progress, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)))
        using (var evalLog = Config.EvalEvery > 0 ? new StreamWriter(new FileStream(_folder.Eval, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) : null)
        {
            while (Trainer.EnvSteps < Config.TotalSteps && !cancel.IsCancellationRequested)
            {
                var row = Trainer.RunIteration();
                log.Write(ProgressCsv.Row(row, Trainer.Episodes, _wallOffset + clock.Elapsed.TotalSeconds));
                log.Write('\n');
                log.Flush();
                rows.Add(row);
                if (evalLog is not null && row.Iteration % Config.EvalEvery == 0)
                    Evaluate(evalLog);
                if (Config.CheckpointEvery > 0 && row.Iteration % Config.CheckpointEvery == 0)
                    Checkpoint();
                onIteration?.Invoke(row);
            }
        }
        if (cancel.IsCancellationRequested) return rows;
        Checkpoint();
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

    /// <summary>Writes a checkpoint of the current iteration (nothing when the env cannot be snapshotted).</summary>
    private void Checkpoint()
    {
        if (!Trainer.CanSnapshot) return;
        var snapshot = new Snapshot();
        _parts.Save(snapshot);
        _folder.WriteCheckpoint(Trainer.Iteration, snapshot);
    }
}

/// <summary>A run folder or resume request that cannot be honoured (one line).</summary>
public sealed class RunException(string message) : Exception(message);
