using System.Text.Json;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Compare;

/// <summary>
/// <c>comparison.json</c>: what a comparison folder holds (env, algos in order, the reward threshold used for
/// "reached"). Written before the runs start; summaries and plots read it instead of asking the live command.
/// </summary>
public sealed record ComparisonInfo(string EnvId, IReadOnlyList<string> Algos, double? Threshold)
{
    public const string FileName = "comparison.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public void Write(string dir) => RunFolder.WriteAtomic(Path.Combine(dir, FileName), JsonSerializer.Serialize(this, Json));

    /// <summary>Reads the folder's comparison.json; throws <see cref="FormatException"/> (one line) when it is missing or bad.</summary>
    public static ComparisonInfo Read(string dir)
    {
        string path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) throw new FormatException($"{dir}: no {FileName} (not a comparison folder written by natpolicy compare)");
        try
        {
            return JsonSerializer.Deserialize<ComparisonInfo>(File.ReadAllText(path), Json) ?? throw new FormatException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: malformed ({e.Message.Split('\n')[0]})");
        }
    }

    public static bool Exists(string dir) => File.Exists(Path.Combine(dir, FileName));
}
