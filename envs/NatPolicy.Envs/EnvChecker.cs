using NatPolicy.Core;

namespace NatPolicy.Envs;

/// <summary>How one <see cref="EnvChecker"/> check came out. Only <see cref="Fail"/> makes the env unusable.</summary>
public enum CheckOutcome
{
    Pass,

    /// <summary>Allowed, but worth knowing (e.g. reset ignores the seed; the bare env accepts Step before Reset).</summary>
    Warn,

    /// <summary>Not applicable (e.g. the env is not snapshotable).</summary>
    Skip,

    Fail,
}

/// <summary>One check of <see cref="EnvChecker.Check"/>: its name, outcome and one line of detail.</summary>
public sealed record EnvCheckFinding(string Check, CheckOutcome Outcome, string Detail);

/// <summary>
/// Checks a registered env against the contract the trainer relies on, in the spirit of Gymnasium's
/// <c>check_env</c>: spaces, seeding determinism of reset, observations inside the observation space, the step
/// contract (finite rewards, flags, the time limit), Step before Reset and after the end, invalid actions, and the
/// optional capabilities (snapshots for checkpoints, state access for recording). Actions are sampled from the action
/// space with a generator seeded from <c>seed</c>, so a run of the checker is reproducible.
/// </summary>
public static class EnvChecker
{
    /// <summary>Runs every check on <paramref name="id"/> (unknown ids throw <see cref="ArgumentException"/>).</summary>
    /// <param name="episodes">Episodes run through the made (time-limited) env by the step-contract check.</param>
    public static IReadOnlyList<EnvCheckFinding> Check(string id, ulong seed = 0, int episodes = 3)
    {
        var spec = EnvRegistry.Spec(id);
        var findings = new List<EnvCheckFinding>();
        IEnv made, bare;
        try
        {
            made = EnvRegistry.Make(id);
            bare = EnvRegistry.MakeUnwrapped(id);
        }
        catch (Exception e)
        {
            findings.Add(new("make", CheckOutcome.Fail, $"the factory threw {e.GetType().Name}: {OneLine(e.Message)}"));
            return findings;
        }
        findings.Add(Run("spaces", () => Spaces(made, bare)));
        if (findings[^1].Outcome == CheckOutcome.Fail) return findings;
        findings.Add(Run("spec", () => made.Spec?.Id == id
            ? Pass($"made env carries its registry entry (time limit {spec.MaxEpisodeSteps?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, threshold {(spec.RewardThreshold is { } t ? Fmt.D(t) : "none")})")
            : Fail($"made env's Spec is {made.Spec?.Id ?? "null"}")));
        findings.Add(Run("reset determinism", () => ResetDeterminism(id, seed)));
        findings.Add(Run("reset seeds", () => ResetSeeds(id, seed)));
        findings.Add(Run("step contract", () => StepContract(id, spec, seed, episodes)));
        findings.Add(Run("step determinism", () => StepDeterminism(id, seed)));
        findings.Add(Run("step before reset", () => StepBeforeReset(id)));
        findings.Add(Run("step after end", () => StepAfterEnd(id, seed)));
        findings.Add(Run("invalid action", () => InvalidAction(id, seed)));
        findings.Add(Run("snapshot", () => SnapshotRoundTrip(id, seed)));
        findings.Add(Run("state", () => StateRoundTrip(id, seed)));
        return findings;
    }

    /// <summary>True when no finding failed.</summary>
    public static bool Passed(IEnumerable<EnvCheckFinding> findings) => findings.All(f => f.Outcome != CheckOutcome.Fail);

    private static (CheckOutcome, string) Pass(string detail) => (CheckOutcome.Pass, detail);
    private static (CheckOutcome, string) Fail(string detail) => (CheckOutcome.Fail, detail);
    private static (CheckOutcome, string) Warn(string detail) => (CheckOutcome.Warn, detail);
    private static (CheckOutcome, string) Skip(string detail) => (CheckOutcome.Skip, detail);

    /// <summary>Runs one check; an exception it did not expect is a failure naming the exception.</summary>
    private static EnvCheckFinding Run(string name, Func<(CheckOutcome Outcome, string Detail)> check)
    {
        try
        {
            var (outcome, detail) = check();
            return new(name, outcome, detail);
        }
        catch (Exception e)
        {
            return new(name, CheckOutcome.Fail, $"threw {e.GetType().Name}: {OneLine(e.Message)}");
        }
    }

    private static (CheckOutcome, string) Spaces(IEnv made, IEnv bare)
    {
        if (made.ActionSpace is not (DiscreteSpace or BoxSpace))
            return Fail($"action space {made.ActionSpace?.GetType().Name ?? "null"} is not Discrete or Box (the policies support these two)");
        if (made.ObservationSpace is null) return Fail("observation space is null");
        if (!made.ActionSpace.Equals(bare.ActionSpace) || !made.ObservationSpace.Equals(bare.ObservationSpace))
            return Fail($"two copies report different spaces ({made.ActionSpace}/{made.ObservationSpace} vs {bare.ActionSpace}/{bare.ObservationSpace})");
        return Pass($"actions {made.ActionSpace}, observations {made.ObservationSpace}");
    }

    private static (CheckOutcome, string) ResetDeterminism(string id, ulong seed)
    {
        var a = EnvRegistry.Make(id);
        var b = EnvRegistry.Make(id);
        double[] first = a.Reset(seed).ToArray();
        if (ObservationProblem(a, first) is { } bad) return Fail($"Reset({seed}): {bad}");
        if (!Same(first, b.Reset(seed).Span)) return Fail($"two copies reset with seed {seed} give different observations");
        a.Reset(seed + 1);
        if (!Same(first, a.Reset(seed).Span)) return Fail($"resetting the same copy with seed {seed} again gives a different observation");
        return Pass($"Reset({seed}) gives the same observation on two copies and again on one; it is inside the observation space");
    }

    private static (CheckOutcome, string) ResetSeeds(string id, ulong seed)
    {
        const int seeds = 5;
        var env = EnvRegistry.Make(id);
        double[] first = env.Reset(seed).ToArray();
        for (ulong k = 1; k < seeds; k++)
        {
            var obs = env.Reset(seed + k);
            if (ObservationProblem(env, obs.Span) is { } bad) return Fail($"Reset({seed + k}): {bad}");
            if (!Same(first, obs.Span)) return Pass($"seeds {seed}…{seed + seeds - 1} give different start observations");
        }
        return Warn($"seeds {seed}…{seed + seeds - 1} all give the same start observation: fine only if the start state is deterministic");
    }

    private static (CheckOutcome, string) StepContract(string id, EnvSpec spec, ulong seed, int episodes)
    {
        var env = EnvRegistry.Make(id);
        var rng = Rng.Derive(seed, 1);
        var action = new double[env.ActionSpace.Dimension];
        int max = spec.MaxEpisodeSteps ?? int.MaxValue;
        int terminated = 0, truncated = 0;
        long steps = 0;
        string? early = null;
        for (int e = 0; e < episodes; e++)
        {
            env.Reset(seed + (ulong)e);
            for (int t = 1; ; t++)
            {
                env.ActionSpace.Sample(rng, action);
                var r = env.Step(action);
                steps++;
                string at = $"episode {e} step {t}";
                if (ObservationProblem(env, r.Observation.Span) is { } bad) return Fail($"{at}: {bad}");
                if (!double.IsFinite(r.Reward)) return Fail($"{at}: reward {Fmt.D(r.Reward)} is not finite");
                if (t == max && !r.Truncated) return Fail($"{at}: the time limit {max} was reached but Truncated is false");
                if (t < max && r.Truncated) early ??= $"{at}: the env truncated by itself before the time limit {max} (allowed, but the registry's limit is the usual place); ";
                if (r.Done)
                {
                    if (r.Terminated) terminated++; else truncated++;
                    break;
                }
                if (t > max) return Fail($"{at}: the episode did not end at the time limit {max}");
            }
        }
        string summary = $"{episodes} episodes, {steps} steps of random actions: observations inside the space, finite rewards; {terminated} terminated, {truncated} truncated";
        return early is null ? Pass(summary + $" at {max}") : Warn(early + summary);
    }

    private static (CheckOutcome, string) StepDeterminism(string id, ulong seed)
    {
        var a = EnvRegistry.Make(id);
        var b = EnvRegistry.Make(id);
        var rng = Rng.Derive(seed, 2);
        var action = new double[a.ActionSpace.Dimension];
        a.Reset(seed);
        b.Reset(seed);
        for (int t = 1; ; t++)
        {
            a.ActionSpace.Sample(rng, action);
            var ra = a.Step(action);
            double[] oa = ra.Observation.ToArray();
            var rb = b.Step(action);
            if (!Same(oa, rb.Observation.Span) || !ra.Reward.Equals(rb.Reward) || ra.Terminated != rb.Terminated || ra.Truncated != rb.Truncated)
                return Fail($"two copies reset with seed {seed} and given the same actions differ at step {t}");
            if (ra.Done) return Pass($"two copies with the same seed and actions agree bit for bit over a {t}-step episode");
        }
    }

    private static (CheckOutcome, string) StepBeforeReset(string id)
    {
        var made = EnvRegistry.Make(id);
        var action = SomeAction(made.ActionSpace);
        if (!Throws<InvalidOperationException>(() => made.Step(action)))
            return Fail("the made env accepted Step before Reset");
        var bare = EnvRegistry.MakeUnwrapped(id);
        return Throws<InvalidOperationException>(() => bare.Step(action))
            ? Pass("Step before Reset throws InvalidOperationException (made and bare env)")
            : Warn("the bare env accepts Step before Reset (the made env's TimeLimit refuses it, so training is safe)");
    }

    private static (CheckOutcome, string) StepAfterEnd(string id, ulong seed)
    {
        var made = EnvRegistry.Make(id);
        var rng = Rng.Derive(seed, 3);
        var action = new double[made.ActionSpace.Dimension];
        made.Reset(seed);
        StepResult r;
        do
        {
            made.ActionSpace.Sample(rng, action);
            r = made.Step(action);
        }
        while (!r.Done);
        return Throws<InvalidOperationException>(() => made.Step(action))
            ? Pass($"after the episode {(r.Terminated ? "terminated" : "was truncated")}, Step throws InvalidOperationException until Reset")
            : Fail("the made env accepted Step after the episode ended");
    }

    private static (CheckOutcome, string) InvalidAction(string id, ulong seed)
    {
        var env = EnvRegistry.Make(id);
        env.Reset(seed);
        double[] bad = env.ActionSpace is DiscreteSpace d ? [d.N] : Enumerable.Repeat(double.NaN, env.ActionSpace.Dimension).ToArray();
        string what = env.ActionSpace is DiscreteSpace ? $"action {Fmt.D(bad[0])}" : "a NaN action";
        return Throws<ArgumentException>(() => env.Step(bad))
            ? Pass($"{what} throws ArgumentException")
            : Warn($"{what} was accepted (the policies never produce one, but a bad action should throw ArgumentException)");
    }

    private static (CheckOutcome, string) SnapshotRoundTrip(string id, ulong seed)
    {
        var env = EnvRegistry.Make(id);
        if (!ISnapshotable.Supported(env))
            return Skip("not ISnapshotable: training works, but runs write no checkpoints and cannot be resumed");
        var snap = (ISnapshotable)env;
        var rng = Rng.Derive(seed, 4);
        var action = new double[env.ActionSpace.Dimension];
        env.Reset(seed);
        for (int t = 0; t < 3; t++)
        {
            env.ActionSpace.Sample(rng, action);
            if (env.Step(action).Done) env.Reset();
        }
        var saved = new Snapshot();
        snap.Save(saved);
        var actions = new List<double[]>();
        var before = Trace(env, rng, actions, 20);
        var copy = EnvRegistry.Make(id);
        ((ISnapshotable)copy).Load(saved.Reader());
        var after = Trace(copy, null, actions, 20);
        for (int t = 0; t < before.Count; t++)
            if (!Same(before[t], after[t])) return Fail($"after Save and Load into a new copy, step {t + 1} differs");
        return Pass("Save, then Load into a new copy: the next 20 steps (with resets) agree bit for bit");
    }

    private static (CheckOutcome, string) StateRoundTrip(string id, ulong seed)
    {
        if (EnvRegistry.MakeUnwrapped(id) is not IStatefulEnv env)
            return Skip("not IStatefulEnv: evaluate --record and envcheck replay are not available for it");
        double[] obs = env.Reset(seed).ToArray();
        double[] state = env.State.ToArray();
        var other = EnvRegistry.MakeStateful(id);
        if (!Same(obs, other.SetState(state).Span)) return Fail("SetState(State after Reset) gives a different observation");
        var action = SomeAction(env.ActionSpace);
        var ra = env.Step(action);
        double[] oa = ra.Observation.ToArray();
        var rb = other.Step(action);
        return Same(oa, rb.Observation.Span) && ra.Reward.Equals(rb.Reward) && Same(env.State, other.State)
            ? Pass($"SetState reproduces the observation and the next step ({state.Length} state values)")
            : Fail("a copy put into the same state with SetState steps differently");
    }

    /// <summary>Steps <paramref name="env"/> <paramref name="n"/> times (resetting at episode ends), recording obs, reward and flags per step; the actions are drawn from <paramref name="rng"/> into <paramref name="actions"/>, or replayed from it when rng is null.</summary>
    private static List<double[]> Trace(IEnv env, Rng? rng, List<double[]> actions, int n)
    {
        var rows = new List<double[]>();
        for (int t = 0; t < n; t++)
        {
            if (rng is not null)
            {
                var a = new double[env.ActionSpace.Dimension];
                env.ActionSpace.Sample(rng, a);
                actions.Add(a);
            }
            var r = env.Step(actions[t]);
            rows.Add([.. r.Observation.Span, r.Reward, r.Terminated ? 1 : 0, r.Truncated ? 1 : 0]);
            if (r.Done) rows[^1] = [.. rows[^1], .. env.Reset().Span];
        }
        return rows;
    }

    private static string? ObservationProblem(IEnv env, ReadOnlySpan<double> obs)
    {
        if (obs.Length != env.ObservationSpace.Dimension)
            return $"the observation has {obs.Length} values; the observation space {env.ObservationSpace} has {env.ObservationSpace.Dimension}";
        return env.ObservationSpace.Explain(obs) is { } why ? $"observation outside its space: {why}" : null;
    }

    private static double[] SomeAction(Space space) => space is DiscreteSpace ? [0] : new double[space.Dimension];

    private static bool Same(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++) if (!a[i].Equals(b[i])) return false;
        return true;
    }

    private static bool Throws<T>(Action act) where T : Exception
    {
        try
        {
            act();
            return false;
        }
        catch (T)
        {
            return true;
        }
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
