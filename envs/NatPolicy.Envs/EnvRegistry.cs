using System.Text.RegularExpressions;
using NatPolicy.Core;
using NatPolicy.Envs.Classic;
using NatPolicy.Envs.Wrappers;

namespace NatPolicy.Envs;

/// <summary>
/// The registered environments, as Gymnasium's registry (<c>gymnasium/envs/__init__.py</c>, <c>gymnasium.register</c>):
/// id, time limit, reward threshold and a factory. The five classic-control ports are registered at start-up with
/// Gymnasium 1.4.0's values; <see cref="Register"/> adds a user's env, after which run folders, <c>compare</c>,
/// <c>evaluate</c>, plots and <see cref="EnvChecker"/> treat it exactly as a built-in one.
/// <see cref="Make"/> wraps the env as <c>gymnasium.make</c> does where it matters semantically: a <see cref="TimeLimit"/>
/// (which also enforces Gymnasium's OrderEnforcing: Step before Reset or after the end throws; the PassiveEnvChecker
/// has no counterpart, see <see cref="EnvChecker"/>). Thread-safe: registration takes a lock, lookups read an
/// immutable array.
/// </summary>
public static partial class EnvRegistry
{
    private sealed record Entry(EnvSpec Spec, Func<IEnv> Create);

    private static readonly object Gate = new();

    private static Entry[] _entries =
    [
        new(new EnvSpec(CartPoleEnv.EnvId, 500, 475.0), () => new CartPoleEnv()),
        new(new EnvSpec(AcrobotEnv.EnvId, 500, -100.0), () => new AcrobotEnv()),
        new(new EnvSpec(MountainCarEnv.EnvId, 200, -110.0), () => new MountainCarEnv()),
        new(new EnvSpec(MountainCarContinuousEnv.EnvId, 999, 90.0), () => new MountainCarContinuousEnv()),
        new(new EnvSpec(PendulumEnv.EnvId, 200, null), () => new PendulumEnv()),
    ];

    /// <summary>The Gymnasium classic-control ports registered at start-up, in Gymnasium's order.</summary>
    public static IReadOnlyList<string> BuiltInIds { get; } = Volatile.Read(ref _entries).Select(e => e.Spec.Id).ToArray();

    /// <summary>All registered ids: the built-in ones, then the users' in registration order.</summary>
    public static IReadOnlyList<string> Ids => Volatile.Read(ref _entries).Select(e => e.Spec.Id).ToArray();

    /// <summary>
    /// Registers a user's environment (Gymnasium's <c>register(id, entry_point, max_episode_steps, reward_threshold)</c>).
    /// <paramref name="factory"/> is called once per env copy (a training run makes <c>num_envs</c> copies, possibly
    /// on several threads at once for <c>compare</c>) and must return a new, independent env each time.
    /// The env needs only <see cref="IEnv"/>; if it also implements <see cref="ISnapshotable"/> its runs write
    /// checkpoints and can be resumed, and if it implements <see cref="IStatefulEnv"/> its episodes can be recorded
    /// (<c>evaluate --record</c>) and replayed (<c>envcheck</c>).
    /// </summary>
    /// <param name="spec">Id: letters, digits, '.', '_' and '-', starting with a letter or digit (it names run
    /// folders); <see cref="EnvSpec.MaxEpisodeSteps"/> ≥ 1 is required (evaluation and episode statistics need
    /// episodes that end); <see cref="EnvSpec.RewardThreshold"/> finite or null.</param>
    /// <exception cref="ArgumentException">An invalid spec or an id that is already registered (one line).</exception>
    public static void Register(EnvSpec spec, Func<IEnv> factory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(factory);
        if (spec.Id is null || !IdPattern().IsMatch(spec.Id))
            throw new ArgumentException($"environment id '{spec.Id}' is not allowed: use letters, digits, '.', '_' and '-', starting with a letter or digit");
        if (spec.MaxEpisodeSteps is not >= 1)
            throw new ArgumentException($"{spec.Id}: max_episode_steps must be at least 1 (got {(spec.MaxEpisodeSteps is { } m ? m.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}); evaluation needs episodes that end");
        if (spec.RewardThreshold is { } t && !double.IsFinite(t))
            throw new ArgumentException($"{spec.Id}: reward_threshold must be finite or absent (got {Fmt.D(t)})");
        lock (Gate)
        {
            var current = _entries;
            if (Array.Exists(current, e => e.Spec.Id == spec.Id))
                throw new ArgumentException($"environment id '{spec.Id}' is already registered");
            Volatile.Write(ref _entries, [.. current, new Entry(spec, factory)]);
        }
    }

    /// <summary>True when <paramref name="id"/> is registered.</summary>
    public static bool IsRegistered(string id) => TryFind(id) is not null;

    /// <summary>The registry entry for <paramref name="id"/>; unknown ids throw <see cref="ArgumentException"/> listing the valid ones.</summary>
    public static EnvSpec Spec(string id) => Find(id).Spec;

    /// <summary>The registry entry, or null for an unknown id.</summary>
    public static EnvSpec? TryGetSpec(string id) => TryFind(id)?.Spec;

    /// <summary>The env as <c>gymnasium.make(id)</c>: wrapped in a <see cref="TimeLimit"/> of the spec's max episode
    /// steps, whose <see cref="IEnv.Spec"/> is the registry entry.</summary>
    public static IEnv Make(string id)
    {
        var entry = Find(id);
        IEnv env = Create(entry);
        return entry.Spec.MaxEpisodeSteps is { } max ? new TimeLimit(env, max, entry.Spec) : env;
    }

    /// <summary>The bare env (<c>gymnasium.make(id).unwrapped</c>): no time limit.</summary>
    public static IEnv MakeUnwrapped(string id) => Create(Find(id));

    /// <summary>The bare env as an <see cref="IStatefulEnv"/> (its state can be read and set: recording and replay);
    /// an env that is not one throws <see cref="ArgumentException"/> saying so.</summary>
    public static IStatefulEnv MakeStateful(string id) =>
        MakeUnwrapped(id) as IStatefulEnv
        ?? throw new ArgumentException($"{id}: its state cannot be read and set (the env does not implement IStatefulEnv), so its episodes cannot be recorded or replayed");

    private static IEnv Create(Entry entry) =>
        entry.Create() ?? throw new InvalidOperationException($"{entry.Spec.Id}: the registered factory returned null");

    private static Entry? TryFind(string id) => Array.Find(Volatile.Read(ref _entries), e => e.Spec.Id == id);

    private static Entry Find(string id) =>
        TryFind(id) ?? throw new ArgumentException($"unknown environment id '{id}'; registered ids: {string.Join(", ", Ids)}");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex IdPattern();
}
