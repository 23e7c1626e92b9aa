using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NatPolicy.Core;

namespace NatPolicy.Experiments.Runs;

/// <summary>
/// A run's folder: <c>config.json</c> (resolved config), <c>progress.csv</c> (appended and flushed row by row),
/// <c>policy.json</c> (final policy), <c>checkpoints/iter_NNNNNN.json</c>, and with <c>eval_every</c> &gt; 0
/// <c>eval.csv</c> (appended like the log) and <c>best_policy.json</c>. Every file other than the log is written
/// to a temporary file and renamed, so a crash or kill never leaves a half-written file behind.
/// </summary>
public sealed class RunFolder
{
    public const string ConfigFile = "config.json";
    public const string ProgressFile = "progress.csv";
    public const string PolicyFile = "policy.json";
    public const string CheckpointDir = "checkpoints";
    public const string EvalFile = EvalCsv.FileName;
    public const string BestPolicyFile = "best_policy.json";

    public RunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }
    public string Config => System.IO.Path.Combine(Path, ConfigFile);
    public string Progress => System.IO.Path.Combine(Path, ProgressFile);
    public string Policy => System.IO.Path.Combine(Path, PolicyFile);
    public string Checkpoints => System.IO.Path.Combine(Path, CheckpointDir);
    public string Eval => System.IO.Path.Combine(Path, EvalFile);
    public string BestPolicy => System.IO.Path.Combine(Path, BestPolicyFile);

    /// <summary>True when the folder already holds (part of) a run.</summary>
    public bool HoldsRun => File.Exists(Config) || File.Exists(Progress) || Directory.Exists(Checkpoints);

    /// <summary>Deletes the files a run writes (for --force), leaving anything else in the folder alone.</summary>
    public void Clear()
    {
        foreach (var f in new[] { Config, Progress, Policy, Eval, BestPolicy }) if (File.Exists(f)) File.Delete(f);
        if (Directory.Exists(Checkpoints)) Directory.Delete(Checkpoints, recursive: true);
        foreach (var f in Directory.Exists(Path) ? Directory.GetFiles(Path, "learning_curve.*") : []) File.Delete(f);
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> through a temporary file and an atomic rename.</summary>
    public static void WriteAtomic(string path, string text)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        string tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var w = new StreamWriter(fs, new UTF8Encoding(false)))
        {
            w.Write(text);
            w.Flush();
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Saves a checkpoint for <paramref name="iteration"/> (atomic).</summary>
    public void WriteCheckpoint(int iteration, Snapshot snapshot)
    {
        var doc = new CheckpointDocument(iteration, snapshot.Doubles.ToArray(), snapshot.Words.ToArray());
        WriteAtomic(System.IO.Path.Combine(Checkpoints, $"iter_{iteration:D6}.json"), JsonSerializer.Serialize(doc, CheckpointJson));
    }

    /// <summary>The newest checkpoint, or null when there is none.</summary>
    public (int Iteration, Snapshot Snapshot)? LatestCheckpoint()
    {
        if (!Directory.Exists(Checkpoints)) return null;
        var newest = Directory.GetFiles(Checkpoints, "iter_*.json").Order(StringComparer.Ordinal).LastOrDefault();
        if (newest is null) return null;
        CheckpointDocument doc;
        try
        {
            doc = JsonSerializer.Deserialize<CheckpointDocument>(File.ReadAllText(newest), CheckpointJson)
                ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{newest}: unreadable checkpoint ({e.Message.Split('\n')[0]})");
        }
        return (doc.Iteration, new Snapshot { Doubles = [.. doc.Doubles], Words = [.. doc.Words] });
    }

    private sealed record CheckpointDocument(int Iteration, double[] Doubles, ulong[] Words);

    private static readonly JsonSerializerOptions CheckpointJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
