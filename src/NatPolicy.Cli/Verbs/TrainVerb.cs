using System.CommandLine;
using System.Globalization;
using NatPolicy.Agents.Training;
using NatPolicy.Experiments.Configuration;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Verbs;

/// <summary><c>natpolicy train</c>: one run into its folder (config.json, progress.csv, policy.json, checkpoints, learning curve).</summary>
public static class TrainVerb
{
    /// <summary>The <c>train</c> command.</summary>
    public static Command Build(TextWriter stdout)
    {
        var env = Options.Text("--env", "ID", "Gymnasium env id (or env_id in --config).", allowed: ConfigOptions.Envs);
        var algo = Options.Text("--algo", "ALGO", "Update rule (or algo.name in --config).", allowed: TrainConfig.Algos);
        var seed = Options.Seed("--seed", "The run's seed (0 … 2^64−1).", null);
        seed.Description += " [default: 0, or seed in --config]";
        var cfg = new ConfigOptions();
        var outDir = Options.Text("--out", "DIR", "Run folder. [default: results/ENV__ALGO__sSEED]");
        var resume = Options.Text("--resume", "DIR", "Continue the run in DIR from its newest checkpoint (its config.json, version 1 or 2, decides everything; no other config flags).");
        var force = Options.Switch("--force", "Replace a run already in the output folder.");
        var quiet = Options.Switch("--quiet", "Print nothing while training.");
        var printConfig = Options.Switch("--print-config", "Print the resolved config (config.json, format_version 2) and exit.");
        var noPlots = CompareVerb.NoPlotsOption("learning_curve.png/.svg");
        var command = new Command("train", "Train one agent into a run folder (config.json, progress.csv, policy.json, checkpoints/, learning curve).");
        foreach (var o in new Option[] { env, algo, seed }) command.Options.Add(o);
        cfg.AddTo(command);
        foreach (var o in new Option[] { outDir, resume, force, quiet, noPlots, printConfig }) command.Options.Add(o);
        command.SetAction(p =>
        {
            bool isQuiet = p.GetValue(quiet);
            TrainingRun run;
            RunFolderLock hold;
            if (p.GetValue(resume) is { } resumeDir)
            {
                foreach (var o in new Option[] { env, algo, seed, cfg.Steps, cfg.Config, cfg.Set, outDir, force, cfg.Delta, cfg.Batch, printConfig })
                    if (p.Given(o)) throw new UsageException($"--resume continues the saved config; {o.Name} cannot be combined with it");
                OutputPath.Check("--resume", resumeDir, folder: true);
                if (!Directory.Exists(resumeDir)) throw new UsageException($"--resume {resumeDir}: folder does not exist, so there is no run to resume");
                hold = RunFolderLock.Acquire(resumeDir, create: false);
                run = OpenHeld(hold, resumeDir, null, FolderMode.Resume);
                foreach (var w in run.Warnings) stdout.WriteLine($"warning: {w}");
                if (!isQuiet) stdout.WriteLine($"resuming {run.Config.EnvId} {run.Config.AlgoName} seed {run.Config.Seed} at iteration {run.Trainer.Iteration} ({run.Trainer.EnvSteps} env steps)");
            }
            else
            {
                var extra = p.GetValue(seed) is { } s ? new[] { ("seed", s.ToString(CultureInfo.InvariantCulture)) } : [];
                var config = cfg.Resolve(p, p.GetValue(env), p.GetValue(algo), extra);
                if (p.GetValue(printConfig))
                {
                    stdout.WriteLine(ConfigJson.Serialize(config));
                    return 0;
                }
                string dir = p.GetValue(outDir) ?? DefaultFolder(config);
                OutputPath.Check("--out", dir, folder: true);
                // Sizes are checked before the folder is created or locked, so a refused start leaves nothing behind.
                RunComponents.Check(config);
                hold = RunFolderLock.Acquire(dir);
                run = OpenHeld(hold, dir, config, p.GetValue(force) ? FolderMode.Force : FolderMode.New);
            }
            using var owner = hold;

            run.Run(isQuiet ? null : row => stdout.WriteLine(Line(row)));
            bool plots = !p.GetValue(noPlots);
            if (plots) Figures.SaveLearningCurve(run.Folder.Path);
            if (!isQuiet)
            {
                string checkpoints = run.Trainer.CanSnapshot ? $", {RunFolder.CheckpointDir}/" : " (no checkpoints: the env is not ISnapshotable)";
                string eval = run.Config.EvalEvery > 0 ? $", {RunFolder.EvalFile}, {RunFolder.BestPolicyFile}" : "";
                stdout.WriteLine($"wrote {run.Folder.Path}: {RunFolder.ConfigFile}, {RunFolder.ProgressFile}, {RunFolder.PolicyFile}{eval}{(plots ? ", learning_curve.png/.svg" : "")}{checkpoints}");
            }
            return 0;
        });
        return command;
    }

    internal static string DefaultFolder(TrainConfig c) =>
        Path.Combine("results", $"{c.EnvId}__{c.AlgoName}__s{c.Seed.ToString(CultureInfo.InvariantCulture)}");

    /// <summary><see cref="TrainingRun.Open"/> with the folder's lock released when opening fails.</summary>
    private static TrainingRun OpenHeld(RunFolderLock hold, string dir, TrainConfig? config, FolderMode mode)
    {
        try
        {
            return TrainingRun.Open(dir, config, mode);
        }
        catch
        {
            hold.Dispose();
            throw;
        }
    }

    /// <summary>The plain progress line of one iteration.</summary>
    public static string Line(IterationLog r)
    {
        string ret = double.IsNaN(r.ReturnMean) ? "   (no episode ended)  " : $"{r.ReturnMean,8:F1} ± {r.ReturnStd,-7:F1}";
        string tail = r.Accepted ? "" : $"  rejected: {r.Rejection}";
        return string.Create(CultureInfo.InvariantCulture,
            $"iter {r.Iteration,4}  steps {r.EnvSteps,9}  return {ret}  len {r.LengthMean,6:F1}  entropy {r.Entropy,6:F3}  kl {r.Kl,8:E2}  step {r.StepSize,8:E2}{tail}");
    }
}
