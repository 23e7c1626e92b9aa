using NatPolicy.Core;
using NatPolicy.Envs.Classic;
using NatPolicy.Envs.Wrappers;

namespace NatPolicy.Envs;

/// <summary>
/// The registered environments, as Gymnasium 1.4.0's registry (<c>gymnasium/envs/__init__.py</c>): id, time limit and
/// reward threshold. <see cref="Make"/> wraps the env as <c>gymnasium.make</c> does where it matters semantically:
/// a <see cref="TimeLimit"/> (Gymnasium's OrderEnforcing is built into every env here: Step before Reset throws;
/// its PassiveEnvChecker only warns and has no counterpart).
/// </summary>
public static class EnvRegistry
{
    private sealed record Entry(EnvSpec Spec, Func<ClassicControlEnv> Create);

    private static readonly Entry[] Entries =
    [
        new(new EnvSpec(CartPoleEnv.EnvId, 500, 475.0), () => new CartPoleEnv()),
        new(new EnvSpec(AcrobotEnv.EnvId, 500, -100.0), () => new AcrobotEnv()),
        new(new EnvSpec(MountainCarEnv.EnvId, 200, -110.0), () => new MountainCarEnv()),
        new(new EnvSpec(MountainCarContinuousEnv.EnvId, 999, 90.0), () => new MountainCarContinuousEnv()),
        new(new EnvSpec(PendulumEnv.EnvId, 200, null), () => new PendulumEnv()),
    ];

    /// <summary>All registered ids, in registration order.</summary>
    public static IReadOnlyList<string> Ids { get; } = Entries.Select(e => e.Spec.Id).ToArray();

    /// <summary>The registry entry for <paramref name="id"/>; unknown ids throw <see cref="ArgumentException"/> listing the valid ones.</summary>
    public static EnvSpec Spec(string id) => Find(id).Spec;

    /// <summary>The registry entry, or null for an unknown id.</summary>
    public static EnvSpec? TryGetSpec(string id) => Array.Find(Entries, e => e.Spec.Id == id)?.Spec;

    /// <summary>The env as <c>gymnasium.make(id)</c>: wrapped in a <see cref="TimeLimit"/> of the spec's max episode steps.</summary>
    public static IEnv Make(string id)
    {
        var entry = Find(id);
        IEnv env = entry.Create();
        return entry.Spec.MaxEpisodeSteps is { } max ? new TimeLimit(env, max) : env;
    }

    /// <summary>The bare env (<c>gymnasium.make(id).unwrapped</c>): no time limit; its state can be read and set.</summary>
    public static IStatefulEnv MakeUnwrapped(string id) => Find(id).Create();

    private static Entry Find(string id) =>
        Array.Find(Entries, e => e.Spec.Id == id)
        ?? throw new ArgumentException($"unknown environment id '{id}'; registered ids: {string.Join(", ", Ids)}");
}
