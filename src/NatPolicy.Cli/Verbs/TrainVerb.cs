using System.Globalization;
using NatPolicy.Agents.Training;
using NatPolicy.Core;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Verbs;

/// <summary><c>natpolicy train</c>: one run into its folder (config.json, progress.csv, policy.json, checkpoints, learning curve).</summary>
public static class TrainVerb
{
    public const string Usage =
        "train --env ID --algo vpg|npg|trpo --seed N [--steps TOTAL_ENV_STEPS] [--config FILE.json] [--delta D] [--batch B] [--out DIR] [--force] [--quiet] [--print-config] | train --resume DIR";

    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr)
    {
        var a = new Args("train", argv, ["env", "algo", "seed", "steps", "config", "out", "resume", "delta", "batch"], ["force", "quiet", "help", "print-config"]);
        if (a.Has("help"))
        {
            stdout.WriteLine("usage: natpolicy " + Usage);
            stdout.WriteLine("  --delta sets max_kl (δ), --batch sets steps_per_iteration; every other setting comes from --config (keys: "
                + string.Join(", ", TrainConfig.Keys) + ")");
            return 0;
        }
        a.RequirePositional(0, 0, "only --flags");
        bool quiet = a.Has("quiet");

        TrainingRun run;
        if (a.String("resume") is { } resumeDir)
        {
            foreach (var f in new[] { "env", "algo", "seed", "steps", "config", "out", "force", "delta", "batch" })
                if (a.Has(f)) throw new UsageException($"--resume continues the saved config; --{f} cannot be combined with it");
            run = Open(resumeDir, null, FolderMode.Resume);
            if (!quiet) stdout.WriteLine($"resuming {run.Config.EnvId} {run.Config.Algo} seed {run.Config.Seed} at iteration {run.Trainer.Iteration} ({run.Trainer.EnvSteps} env steps)");
        }
        else
        {
            var config = Resolve(a);
            if (a.Has("print-config"))
            {
                stdout.WriteLine(config.ToJson());
                return 0;
            }
            string outDir = a.String("out") ?? DefaultFolder(config);
            run = Open(outDir, config, a.Has("force") ? FolderMode.Force : FolderMode.New);
        }

        var rows = run.Run(quiet ? null : row => stdout.WriteLine(Line(row)));
        Figures.SaveLearningCurve(run.Folder.Path);
        if (!quiet)
        {
            string checkpoints = run.Trainer.CanSnapshot ? $", {RunFolder.CheckpointDir}/" : " (no checkpoints: the env is not ISnapshotable)";
            stdout.WriteLine($"wrote {run.Folder.Path}: {RunFolder.ConfigFile}, {RunFolder.ProgressFile}, {RunFolder.PolicyFile}, learning_curve.png/.svg{checkpoints}");
        }
        return 0;
    }

    /// <summary>Resolves the config of a fresh run from its flags (also used by compare).</summary>
    internal static TrainConfig Resolve(Args a)
    {
        string? json = ConfigResolver.ReadConfigFile(a.String("config"));
        long? steps = a.Long("steps");
        if (steps is <= 0) throw new UsageException($"--steps must be positive (got {steps})");
        int? batch = a.Int("batch");
        if (batch is <= 0) throw new UsageException($"--batch must be positive (got {batch})");
        double? delta = a.Double("delta");
        if (delta is <= 0) throw new UsageException($"--delta must be positive (got {Fmt.D(delta!.Value)})");
        ulong? seed = null;
        if (a.String("seed") is { } s)
        {
            if (!ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                throw new UsageException($"--seed must be a non-negative integer (got '{s}')");
            seed = v;
        }
        return ConfigResolver.Resolve(a.String("env"), a.String("algo"), json, a.String("config"), c => c with
        {
            Seed = seed ?? c.Seed,
            TotalSteps = steps ?? c.TotalSteps,
            StepsPerIteration = batch ?? c.StepsPerIteration,
            MaxKl = delta ?? c.MaxKl,
        });
    }

    internal static string DefaultFolder(TrainConfig c) =>
        Path.Combine("results", $"{c.EnvId}__{c.Algo}__s{c.Seed.ToString(CultureInfo.InvariantCulture)}");

    internal static TrainingRun Open(string dir, TrainConfig? config, FolderMode mode)
    {
        try
        {
            return TrainingRun.Open(dir, config, mode);
        }
        catch (RunException e)
        {
            throw new UsageException(e.Message);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
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
