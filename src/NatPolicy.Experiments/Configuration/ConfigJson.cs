using System.Text.Json;
using System.Text.Json.Serialization;
using NatPolicy.Agents.Training;

namespace NatPolicy.Experiments.Configuration;

/// <summary>
/// How the tool reads and writes configs: <see cref="TrainConfig.JsonOptions"/> with the config types' metadata
/// generated at compile time here. NatPolicy.Agents, where the types live, stays out of the Release build's
/// ReadyToRun compilation for its kernels' sake, so metadata generated there (27 KB of IL) was compiled by the JIT at
/// the first config a process touched; here it is precompiled with the rest of this assembly. The text is the very
/// text <see cref="TrainConfig.ToJson"/> writes with reflection-built metadata (JsonMetadataTests), so config hashes
/// do not depend on which one wrote a file.
/// </summary>
public static class ConfigJson
{
    /// <summary>config.json's settings (<see cref="TrainConfig.JsonOptions"/>) with the generated metadata.</summary>
    public static JsonSerializerOptions Options { get; } = TrainConfig.JsonOptions(ConfigFilesJson.Default);

    /// <summary>The config as config.json holds it.</summary>
    public static string Serialize(TrainConfig config) => JsonSerializer.Serialize(config, Options);
}

/// <summary>The config types' JSON metadata, generated at compile time (see <see cref="ConfigJson"/>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(TrainConfig))]
[JsonSerializable(typeof(PolicySpec))]
[JsonSerializable(typeof(BaselineSpec))]
[JsonSerializable(typeof(AlgoSpec))]
internal sealed partial class ConfigFilesJson : JsonSerializerContext;
