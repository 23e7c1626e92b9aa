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
    public static IReadOnlyList<SeedCurve> Seeds(string dir, string algo) => SeedFolders(dir, algo).Select(SeedCurve.Read).ToArray();

    /// <summary>The seed run folders (with a progress.csv) of one algo, ordered by seed number.</summary>
    public static IReadOnlyList<string> SeedFolders(string dir, string algo) =>
        Directory.GetDirectories(Path.Combine(dir, algo), "s*")
            .Where(s => File.Exists(Path.Combine(s, RunFolder.ProgressFile)))
            .OrderBy(s => int.TryParse(Path.GetFileName(s)[1..], out int k) ? k : int.MaxValue)
            .ToArray();

    /// <summary>
    /// Per algo, the run folders a comparison's figures draw: with a comparison.json its finished cells (the ones its
    /// summary uses), else the <c>&lt;algo&gt;/s&lt;seed&gt;/</c> folders holding a progress.csv.
    /// </summary>
    public static IReadOnlyList<(string Algo, IReadOnlyList<string> Folders)> RunFolders(string dir)
    {
        if (!ComparisonManifest.Exists(dir))
            return Algos(dir).Select(a => (a, SeedFolders(dir, a))).ToArray();
        var comparison = Comparison.Open(dir);
        var finished = comparison.States().Where(s => s.Status == CellStatus.Finished).ToArray();
        return comparison.Manifest.Algos
            .Select(a => (a, (IReadOnlyList<string>)finished.Where(s => s.Cell.Algo == a).Select(s => s.Folder).ToArray()))
            .Where(g => g.Item2.Count > 0)
            .ToArray();
    }

    /// <summary>The update rule a run folder was trained with (config.json's <c>algo.name</c>; a version-1 file's <c>algo</c>), or null.</summary>
    public static string? AlgoOf(string runFolder)
    {
        string path = Path.Combine(runFolder, RunFolder.ConfigFile);
        if (!File.Exists(path)) return null;
        var algo = JsonNode.Parse(File.ReadAllText(path))?["algo"];
        return algo is JsonObject o ? o["name"]?.GetValue<string>() : algo?.GetValue<string>();
    }

    /// <summary>The env id a run folder was trained on (from its config.json), or null.</summary>
    public static string? EnvOf(string runFolder)
    {
        string path = Path.Combine(runFolder, RunFolder.ConfigFile);
        if (!File.Exists(path)) return null;
        return JsonNode.Parse(File.ReadAllText(path))?["env_id"]?.GetValue<string>();
    }
}
