using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NatPolicy.Core;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Compare;

/// <summary>
/// One cell of a comparison as recorded in <c>comparison.json</c>: an (algo, seed) run with its env-step budget, the
/// SHA-256 of its resolved config (<see cref="RunFolder.ConfigHash(string)"/>: the exact bytes of the cell's <c>config.json</c>) and its folder relative to the
/// comparison folder (<c>&lt;algo&gt;/s&lt;seed&gt;</c>, '/'-separated).
/// </summary>
public sealed record ComparisonCell(string Algo, ulong Seed, long TotalSteps, string ConfigSha256, string Folder)
{
    /// <summary>"npg s3", for progress lines and messages.</summary>
    [JsonIgnore]
    public string Label => $"{Algo} s{Seed}";
}

/// <summary>
/// <c>comparison.json</c>: exactly what a comparison folder holds. The summary, the figure and <c>--resume</c> read only
/// the cells listed here; a folder on disk that is not listed never enters them.
/// </summary>
/// <param name="FormatVersion">Layout version of this file (<see cref="CurrentVersion"/>).</param>
/// <param name="Threshold">Reward threshold for "reached" (Gymnasium's, unless overridden), or null.</param>
/// <param name="Algos">Algos in table order.</param>
/// <param name="Seeds">Training seeds, the same for every algo.</param>
/// <param name="Evaluation">The deterministic evaluation of each cell's final policy.</param>
public sealed record ComparisonManifest(
    int FormatVersion,
    string EnvId,
    double? Threshold,
    IReadOnlyList<string> Algos,
    IReadOnlyList<ulong> Seeds,
    EvaluationSettings Evaluation,
    IReadOnlyList<ComparisonCell> Cells)
{
    public const string FileName = "comparison.json";

    /// <summary>2: cells with budget and config hash, evaluation settings (1 had env, algos and threshold only).</summary>
    public const int CurrentVersion = 2;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(Runs.RunFilesJson.Default, new DefaultJsonTypeInfoResolver()),
    };

    /// <summary>The env-step budget of an algo's cells (they all share it).</summary>
    public long Budget(string algo) => Cells.First(c => c.Algo == algo).TotalSteps;

    /// <summary>True when the algos do not all have the same budget (then every report prints each one).</summary>
    public bool BudgetsDiffer => Algos.Select(Budget).Distinct().Count() > 1;

    public void Write(string dir) => RunFolder.WriteAtomic(Path.Combine(dir, FileName), JsonSerializer.Serialize(this, Json));

    public static bool Exists(string dir) => File.Exists(Path.Combine(dir, FileName));

    /// <summary>Reads a folder's comparison.json; throws <see cref="ComparisonException"/> (one line) when it is missing, malformed or of another version.</summary>
    public static ComparisonManifest Read(string dir)
    {
        string path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) throw new ComparisonException($"{dir}: no {FileName}, so it is not a comparison folder (or its comparison never started; rerun it with --force)");
        ComparisonManifest? m;
        try
        {
            m = JsonSerializer.Deserialize<ComparisonManifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new ComparisonException($"{path}: malformed ({e.Message.Split('\n')[0]})");
        }
        if (m is null || m.FormatVersion != CurrentVersion || m.EnvId is null || m.Algos is null || m.Cells is null || m.Evaluation is null)
            throw new ComparisonException($"{path}: not a comparison.json of format version {CurrentVersion} (written by an older natpolicy?); rerun the comparison with --force");
        foreach (var c in m.Cells)
            if (c.Folder is null || c.Folder.Split('/').Any(p => p is "" or "." or ".."))
                throw new ComparisonException($"{path}: cell {c.Algo} s{c.Seed} has an invalid folder '{c.Folder}'");
        return m;
    }
}

/// <summary>A comparison that cannot be created, resumed or summarised as asked (one line naming the folder or cell).</summary>
public sealed class ComparisonException(string message) : InputException(message);
