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

    /// <summary>
    /// True when the folder holds exactly what a start that failed before its first row leaves: config.json and a
    /// progress.csv of the header alone, no checkpoint, no policy. Such a folder does not block a new run.
    /// </summary>
    public bool HoldsFailedStart =>
        File.Exists(Config) && !File.Exists(Policy)
        && !(Directory.Exists(Checkpoints) && Directory.EnumerateFiles(Checkpoints, "iter_*.json").Any())
        && File.Exists(Progress) && File.ReadLines(Progress).Skip(1).All(l => l.Length == 0);

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> through a temporary file and an atomic rename.</summary>
    public static void WriteAtomic(string path, string text) => AtomicFile.WriteText(path, text);

    /// <summary>Checkpoint format: 2 adds <c>format_version</c> and <c>config_sha256</c> (absent in version 1 files).</summary>
    public const int CheckpointVersion = 2;

    /// <summary>Saves a checkpoint for <paramref name="iteration"/> (atomic) tagged with the config's hash; a snapshot holding a non-finite number is refused.</summary>
    /// <param name="durable">False: not flushed to disk (<see cref="AtomicFile.Write"/>); for a checkpoint that a later one supersedes.</param>
    public void WriteCheckpoint(int iteration, Snapshot snapshot, string configSha256, bool durable = true)
    {
        if (snapshot.Doubles.Any(x => !double.IsFinite(x)))
            throw new InvalidOperationException($"iteration {iteration}: the state holds a non-finite number; no checkpoint written");
        AtomicFile.Write(System.IO.Path.Combine(Checkpoints, $"iter_{iteration:D6}.json"), s => SerializeCheckpoint(s, iteration, snapshot, configSha256), durable);
    }

    /// <summary>The checkpoint document <see cref="WriteCheckpoint"/> writes, into <paramref name="stream"/>.</summary>
    public static void SerializeCheckpoint(Stream stream, int iteration, Snapshot snapshot, string configSha256) =>
        JsonSerializer.Serialize(stream, new CheckpointDocument(CheckpointVersion, iteration, configSha256, snapshot.Doubles.ToArray(), snapshot.Words.ToArray()),
            CheckpointJson.Default.CheckpointDocument);

    /// <summary>The checkpoint files, newest first.</summary>
    public IReadOnlyList<string> CheckpointFiles() =>
        Directory.Exists(Checkpoints) ? Directory.GetFiles(Checkpoints, "iter_*.json").OrderDescending(StringComparer.Ordinal).ToArray() : [];

    /// <summary>
    /// Reads one checkpoint. Throws <see cref="FormatException"/> (one line) when it is unreadable, of an unknown
    /// version, empty or holds a non-finite number.
    /// </summary>
    public static Checkpoint ReadCheckpoint(string file)
    {
        CheckpointDocument doc;
        try
        {
            doc = JsonSerializer.Deserialize(File.ReadAllText(file), CheckpointJson.Default.CheckpointDocument)
                ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{file}: unreadable checkpoint ({e.Message.Split('\n')[0]})");
        }
        if (doc.FormatVersion > CheckpointVersion)
            throw new FormatException($"{file}: checkpoint format_version {doc.FormatVersion} is newer than this program's {CheckpointVersion}");
        if (doc.Doubles is null || doc.Words is null || doc.Words.Length == 0 || doc.Iteration < 0)
            throw new FormatException($"{file}: checkpoint without state");
        if (doc.Doubles.Any(x => !double.IsFinite(x)))
            throw new FormatException($"{file}: checkpoint holds a non-finite number");
        return new Checkpoint(doc.Iteration, doc.ConfigSha256, new Snapshot { Doubles = [.. doc.Doubles], Words = [.. doc.Words] });
    }

    /// <summary>
    /// SHA-256 (lower-case hex) of a config's canonical JSON (the UTF-8 text a run writes as config.json): what checkpoints
    /// and comparison.json record.
    /// </summary>
    public static string ConfigHash(string configJson) => ConfigHash(Encoding.UTF8.GetBytes(configJson));

    /// <summary><see cref="ConfigHash(string)"/> of a config.json's bytes as they are on disk.</summary>
    public static string ConfigHash(ReadOnlySpan<byte> configJsonUtf8) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(configJsonUtf8));
}

/// <summary>A checkpoint file's document (snake_case keys).</summary>
internal sealed record CheckpointDocument(int FormatVersion, int Iteration, string? ConfigSha256, double[] Doubles, ulong[] Words);

/// <summary>
/// The checkpoint document's JSON, generated at compile time: a run's first checkpoint does not wait for
/// System.Text.Json to build its reflection metadata.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CheckpointDocument))]
internal sealed partial class CheckpointJson : JsonSerializerContext;

/// <summary>A checkpoint read back: its iteration, the config hash it was written under (null for version 1) and the state.</summary>
public sealed record Checkpoint(int Iteration, string? ConfigSha256, Snapshot Snapshot);
