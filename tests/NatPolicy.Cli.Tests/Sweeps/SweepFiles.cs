namespace NatPolicy.Cli.Tests.Sweeps;

/// <summary>A sweep folder's files as the local and Slurm runs must agree on them: wall-clock columns removed.</summary>
internal static class SweepFiles
{
    /// <summary>
    /// Every file under <paramref name="dir"/> (relative path → text or bytes hash) except the Slurm scripts and logs,
    /// checkpoints and the lock/marker files, with columns named *wall* dropped from CSV files and Markdown tables.
    /// </summary>
    public static SortedDictionary<string, string> Read(string dir)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.GetFiles(dir, "*", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(dir, path).Replace('\\', '/');
            if (rel.StartsWith("slurm/", StringComparison.Ordinal) || rel.Contains("/checkpoints/") || rel == "sweep.json") continue;
            files[rel] = Path.GetExtension(path) switch
            {
                ".csv" => WithoutWallColumns(File.ReadAllText(path)),
                ".md" => WithoutWallMarkdown(File.ReadAllText(path)),
                ".svg" => ClipIdsInOrder(File.ReadAllText(path)),
                ".png" => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))),
                _ => File.ReadAllText(path),
            };
        }
        return files;
    }

    private static string WithoutWallMarkdown(string text)
    {
        var kept = new List<string>();
        var drop = new HashSet<int>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith('|'))
            {
                drop.Clear();
                kept.Add(line);
                continue;
            }
            var cells = line.Split('|');
            // A table's header row fixes its wall-clock columns for the rows below it.
            if (cells.Any(c => c.Contains("wall", StringComparison.Ordinal)))
                drop = cells.Select((c, k) => (c, k)).Where(x => x.c.Contains("wall", StringComparison.Ordinal)).Select(x => x.k).ToHashSet();
            kept.Add(string.Join('|', cells.Where((_, k) => !drop.Contains(k))));
        }
        return string.Join('\n', kept);
    }

    /// <summary>OxyPlot numbers SVG clip paths from a per-process counter: renumber them in order of appearance.</summary>
    private static string ClipIdsInOrder(string svg)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        return System.Text.RegularExpressions.Regex.Replace(svg, "cl_[0-9a-f]+", m =>
            "cl_" + (ids.TryGetValue(m.Value, out int k) ? k : ids[m.Value] = ids.Count).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string WithoutWallColumns(string text)
    {
        var lines = text.Split('\n');
        var drop = lines[0].Split(',').Select((h, k) => (h, k)).Where(x => x.h.Contains("wall", StringComparison.Ordinal)).Select(x => x.k).ToHashSet();
        return string.Join('\n', lines.Select(l => string.Join(',', l.Split(',').Where((_, k) => !drop.Contains(k)))));
    }

    /// <summary>Asserts both folders hold the same files with the same contents (wall-clock columns aside).</summary>
    public static void AssertSame(string expected, string actual)
    {
        var a = Read(expected);
        var b = Read(actual);
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (rel, text) in a)
        {
            if (text == b[rel]) continue;
            var (x, y) = (text.Split('\n'), b[rel].Split('\n'));
            int line = Enumerable.Range(0, Math.Min(x.Length, y.Length)).FirstOrDefault(k => x[k] != y[k], Math.Min(x.Length, y.Length));
            Assert.Fail($"{rel} differs between {expected} and {actual} at line {line + 1}: '{(line < x.Length ? x[line] : "")}' vs '{(line < y.Length ? y[line] : "")}'");
        }
    }
}
