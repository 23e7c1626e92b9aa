using System.Text.Json.Nodes;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Compare;

/// <summary>The layout of a comparison folder: <c>&lt;dir&gt;/&lt;algo&gt;/s&lt;seed&gt;/</c> run folders.</summary>
public static class ComparisonFolder
{
    /// <summary>Algo subfolders that hold at least one seed run, in a fixed order (vpg, npg, trpo, then others by name).</summary>
    public static IReadOnlyList<string> Algos(string dir)
    {
        string[] order = ["vpg", "npg", "trpo"];
        return Directory.GetDirectories(dir)
            .Where(d => Directory.GetDirectories(d, "s*").Any(s => File.Exists(Path.Combine(s, RunFolder.ProgressFile))))
            .Select(Path.GetFileName).OfType<string>()
            .OrderBy(n => Array.IndexOf(order, n) is var i and >= 0 ? i : order.Length)
            .ThenBy(n => n, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The seed runs of one algo, ordered by seed number.</summary>
    public static IReadOnlyList<SeedCurve> Seeds(string dir, string algo) =>
        Directory.GetDirectories(Path.Combine(dir, algo), "s*")
            .Where(s => File.Exists(Path.Combine(s, RunFolder.ProgressFile)))
            .OrderBy(s => int.TryParse(Path.GetFileName(s)[1..], out int k) ? k : int.MaxValue)
            .Select(SeedCurve.Read)
            .ToArray();

    /// <summary>The env id a run folder was trained on (from its config.json), or null.</summary>
    public static string? EnvOf(string runFolder)
    {
        string path = Path.Combine(runFolder, RunFolder.ConfigFile);
        if (!File.Exists(path)) return null;
        return JsonNode.Parse(File.ReadAllText(path))?["env_id"]?.GetValue<string>();
    }
}
