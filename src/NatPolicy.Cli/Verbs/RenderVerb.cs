using System.CommandLine;
using NatPolicy.Cli.Plotting;
using NatPolicy.Experiments.Configuration;
using NatPolicy.Experiments.Rendering;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Verbs;

/// <summary><c>natpolicy render</c>: one episode of a saved policy as an animated SVG drawn like Gymnasium's renderers.</summary>
public static class RenderVerb
{
    /// <summary>The <c>render</c> command.</summary>
    public static Command Build(TextWriter stdout)
    {
        var policyOption = Options.Text("--policy", "FILE", "A policy.json written by train, or its run folder (required).");
        var envOption = Options.Text("--env", "ID", "Run the policy on this env instead of the one it was trained on.", allowed: ClassicControlScenes.Envs);
        var seedOption = Options.Seed("--seed", "Seed of the episode's reset. [default: 0]", 0);
        var outOption = Options.Text("--out", "FILE.svg", "The animated SVG to write.");
        var framesOption = Options.Text("--frames", "DIR", "Also (or instead) write one PNG per frame, DIR/frame_00000.png, … (at least one of --out and --frames is required).");
        var command = new Command("render", "Draw one episode of a saved policy (deterministic actions) as an animated SVG, as Gymnasium's renderers draw it.");
        foreach (var o in new Option[] { policyOption, envOption, seedOption, outOption, framesOption }) command.Options.Add(o);
        command.SetAction(p =>
        {
            string path = p.GetValue(policyOption) ?? throw new UsageException("--policy FILE is required (a policy.json written by train)");
            string? output = p.GetValue(outOption), frames = p.GetValue(framesOption);
            if (output is null && frames is null) throw new UsageException("--out FILE.svg or --frames DIR is required");
            if (output is not null && !output.EndsWith(".svg", StringComparison.OrdinalIgnoreCase)) throw new UsageException($"--out '{output}' must end in .svg");
            if (Directory.Exists(path)) path = Path.Combine(path, RunFolder.PolicyFile);
            string? env = p.GetValue(envOption);
            if (env is not null) ConfigResolver.CheckEnv(env);
            EpisodeRender episode;
            try
            {
                episode = EpisodeRender.Run(PolicyFile.Load(path), env, p.GetValue(seedOption) ?? 0);
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException)
            {
                throw new UsageException($"{path}: {e.Message.Split('\n')[0]}");
            }
            var written = new List<string>();
            if (output is not null)
            {
                string? dir = Path.GetDirectoryName(Path.GetFullPath(output));
                if (dir is not null) Directory.CreateDirectory(dir);
                RunFolder.WriteAtomic(output, episode.Svg());
                written.Add(output);
            }
            if (frames is not null)
            {
                int n = SceneFrames.Write(episode.Scene(), frames);
                written.Add($"{n} frames to {Path.Combine(frames, "frame_NNNNN.png")}");
            }
            stdout.WriteLine($"{episode.EnvId}: return {Options.Show(episode.Return)}, {episode.Length} steps (seed {episode.Seed}, deterministic); wrote {string.Join(" and ", written)}");
            return 0;
        });
        return command;
    }
}
