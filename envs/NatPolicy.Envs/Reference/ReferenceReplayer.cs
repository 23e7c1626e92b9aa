using NatPolicy.Core;
using NatPolicy.Envs.Classic;

namespace NatPolicy.Envs.Reference;

/// <summary>
/// The outcome of replaying one reference file. Differences are the largest absolute differences over all compared
/// steps (NaN when a value was NaN on one side only); <see cref="FlagMismatches"/> counts steps whose
/// terminated/truncated flags differ (plus recorded steps that could not be replayed because our env had already
/// ended). The initial observation is compared in float32 ulps with a per-env tolerance (Acrobot: 1, because
/// Gymnasium computes it with float32 trigonometry; others 0).
/// </summary>
public sealed record ReplayReport(
    string Source,
    string EnvId,
    int Episodes,
    int Steps,
    int PostTerminalSteps,
    double MaxObsDiff,
    double MaxStateDiff,
    double MaxRewardDiff,
    int FlagMismatches,
    int MaxInitialObsUlps,
    int InitialObsUlpTolerance)
{
    /// <summary>True when every step matched bit for bit (and the initial observations within tolerance).</summary>
    public bool Exact =>
        MaxObsDiff == 0 && MaxStateDiff == 0 && MaxRewardDiff == 0 && FlagMismatches == 0
        && MaxInitialObsUlps <= InitialObsUlpTolerance;
}

/// <summary>
/// Replays reference files against our envs. Rule: SetState(initial_state), apply each recorded action to the bare
/// env, compare observation, state, reward and flags; truncation is the TimeLimit rule (step count ≥ the file's
/// max_episode_steps). CartPole's post-terminal steps continue the same episode.
/// </summary>
public static class ReferenceReplayer
{
    /// <summary>Float32 ulps allowed on initial observations, per env id.</summary>
    public static int InitialObsUlpTolerance(string envId) => envId == AcrobotEnv.EnvId ? 1 : 0;

    public static ReplayReport Replay(string path) => Replay(ReferenceFile.Load(path));

    public static ReplayReport Replay(ReferenceFile file)
    {
        string source = file.SourcePath ?? file.EnvId;
        var env = EnvRegistry.MakeStateful(file.EnvId);
        var acc = new Accumulator();
        int steps = 0, post = 0, maxUlps = 0;
        for (int e = 0; e < file.Episodes.Count; e++)
        {
            var ep = file.Episodes[e];
            var obs0 = env.SetState(ep.InitialState);
            maxUlps = Math.Max(maxUlps, MaxUlps(obs0.Span, ep.InitialObs));
            int count = 0;
            bool alive = true;
            foreach (var (list, isPost) in new[] { (ep.Steps, false), (ep.PostTerminalSteps ?? [], true) })
            {
                for (int k = 0; k < list.Count && alive; k++)
                {
                    var rec = list[k];
                    StepResult r;
                    try
                    {
                        r = env.Step(rec.Action);
                    }
                    catch (InvalidOperationException)
                    {
                        acc.FlagMismatches += list.Count - k;
                        alive = false;
                        break;
                    }
                    catch (ArgumentException ex)
                    {
                        string part = isPost ? "post_terminal_steps" : "steps";
                        throw new ReferenceFormatException($"{source}: episodes[{e}].{part}[{k}].action is not a valid action: {ex.Message}", ex);
                    }
                    count++;
                    if (isPost) post++; else steps++;
                    bool truncated = count >= file.MaxEpisodeSteps;
                    acc.Obs = MaxDiff(acc.Obs, r.Observation.Span, rec.Obs);
                    acc.State = MaxDiff(acc.State, env.State, rec.State);
                    acc.Reward = Max(acc.Reward, Diff(r.Reward, rec.Reward));
                    if (r.Terminated != rec.Terminated || truncated != rec.Truncated) acc.FlagMismatches++;
                }
            }
        }
        return new ReplayReport(source, file.EnvId, file.Episodes.Count, steps, post, acc.Obs, acc.State, acc.Reward,
            acc.FlagMismatches, maxUlps, InitialObsUlpTolerance(file.EnvId));
    }

    private sealed class Accumulator
    {
        public double Obs, State, Reward;
        public int FlagMismatches;
    }

    private static double Diff(double a, double b) =>
        a.Equals(b) ? 0 : Math.Abs(a - b); // Equals: NaN matches NaN; a NaN on one side gives NaN

    private static double Max(double acc, double d) => double.IsNaN(acc) || double.IsNaN(d) ? double.NaN : Math.Max(acc, d);

    private static double MaxDiff(double acc, ReadOnlySpan<double> ours, double[] theirs)
    {
        if (ours.Length != theirs.Length) return double.NaN;
        for (int i = 0; i < ours.Length; i++) acc = Max(acc, Diff(ours[i], theirs[i]));
        return acc;
    }

    /// <summary>Largest distance in float32 ulps between the two rows (int.MaxValue for a NaN or a length mismatch).</summary>
    public static int MaxUlps(ReadOnlySpan<double> ours, ReadOnlySpan<double> theirs)
    {
        if (ours.Length != theirs.Length) return int.MaxValue;
        int max = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            float a = (float)ours[i], b = (float)theirs[i];
            if (float.IsNaN(a) || float.IsNaN(b)) { if (float.IsNaN(a) != float.IsNaN(b)) return int.MaxValue; continue; }
            long d = Math.Abs(Ordered(a) - Ordered(b));
            if ((double)b != theirs[i]) d = Math.Max(d, 1); // not a float32 value at all
            max = (int)Math.Min(int.MaxValue, Math.Max(max, d));
        }
        return max;
    }

    private static long Ordered(float x)
    {
        int bits = BitConverter.SingleToInt32Bits(x);
        return bits < 0 ? -(long)(bits & int.MaxValue) : bits;
    }
}
