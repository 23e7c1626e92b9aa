using System.Globalization;
using NatPolicy.Envs;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Rendering;

/// <summary>
/// One episode of a saved policy, ready to draw: deterministic actions (<see cref="Evaluation.Run"/>'s mean/argmax
/// action), reset with <see cref="Seed"/>, on the registered (time-limited) env. <see cref="States"/> holds the bare
/// env's state in which each of the <see cref="Length"/> actions was taken (the reset state first), so the scene has
/// one frame per step.
/// </summary>
public sealed record EpisodeRender(string EnvId, ulong Seed, double Return, int Length, IReadOnlyList<double[]> States)
{
    /// <summary>Runs the episode of <paramref name="policy"/> on <paramref name="envId"/> (null: the env it was trained on).</summary>
    /// <exception cref="ArgumentException">The env is not drawn by <see cref="ClassicControlScenes"/>, or the policy does not fit it.</exception>
    public static EpisodeRender Run(PolicyFile policy, string? envId, ulong seed)
    {
        string env = envId ?? policy.EnvId;
        if (!ClassicControlScenes.Draws(env))
            throw new ArgumentException($"no picture of {env}: render draws {string.Join(", ", ClassicControlScenes.Envs)}");
        var (p, normalizer) = policy.Build();
        var probe = EnvRegistry.Make(env);
        if (p.ObservationDimension != probe.ObservationSpace.Dimension || !p.ActionSpace.Equals(probe.ActionSpace))
            throw new ArgumentException($"the policy (trained on {policy.EnvId}: {p.ObservationDimension} observations, actions {p.ActionSpace}) " +
                $"does not fit {env} ({probe.ObservationSpace.Dimension} observations, actions {probe.ActionSpace})");
        var (evaluation, recording) = Evaluation.RunRecorded(env, p, normalizer, 1, seed, deterministic: true);
        var episode = recording.Episodes[0];
        var states = new List<double[]>(episode.Length) { episode.InitialState };
        for (int k = 0; k + 1 < episode.Steps.Count; k++) states.Add(episode.Steps[k].State);
        return new EpisodeRender(env, seed, evaluation.Episodes[0].Return, episode.Length, states);
    }

    /// <summary>The episode as Gymnasium would draw it.</summary>
    public Scene Scene() => ClassicControlScenes.For(EnvId, States) with
    {
        Title = string.Create(CultureInfo.InvariantCulture, $"{EnvId}, seed {Seed}: return {Return:0.##}, {Length} steps"),
    };

    /// <summary>The animated SVG of <see cref="Scene"/> (see <see cref="SvgAnimation"/>).</summary>
    public string Svg(bool standalone = true) => SvgAnimation.Write(Scene(), standalone);
}
