using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using NatPolicy.Agents.Training;
using NatPolicy.Envs;
using NatPolicy.Experiments.Configuration;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Tests.Configuration;

/// <summary>
/// The files' JSON comes from metadata generated at compile time (a short run's start-up); it must be the very text the
/// reflection-built metadata gave, so that config hashes and saved files stay what they were.
/// </summary>
[Trait("Category", "Math")]
public sealed class JsonMetadataTests
{
    private static JsonSerializerOptions ByReflection(JsonSerializerOptions options) =>
        new(options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    [Fact]
    public void Every_default_config_is_written_and_read_as_reflection_would()
    {
        foreach (var env in EnvRegistry.BuiltInIds)
            foreach (var algo in TrainConfig.Algos)
            {
                var c = TrainDefaults.For(env, algo);
                string json = ConfigJson.Serialize(c);
                Assert.Equal(c.ToJson(), json);
                Assert.Equal(JsonSerializer.Serialize(c, ByReflection(ConfigJson.Options)), json);
                Assert.Equal(json, JsonSerializer.Deserialize<TrainConfig>(json, ConfigJson.Options)!.ToJson());
            }
    }

    [Fact]
    public void The_tool_reads_configs_with_the_generated_metadata()
    {
        Assert.IsNotType<DefaultJsonTypeInfoResolver>(ConfigJson.Options.TypeInfoResolver);
        Assert.NotNull(ConfigJson.Options.TypeInfoResolver!.GetTypeInfo(typeof(TrainConfig), ConfigJson.Options));
        Assert.IsType<DefaultJsonTypeInfoResolver>(TrainConfig.Json.TypeInfoResolver);
    }

    [Fact]
    public void A_policy_file_is_written_and_read_as_reflection_would()
    {
        foreach (var (env, algo) in new[] { ("CartPole-v1", "npg"), ("Pendulum-v1", "trpo") })
        {
            var config = TrainDefaults.For(env, algo) with { NormalizeObservations = true };
            string json = RunComponents.Build(config).PolicyJson();
            var options = (JsonSerializerOptions)typeof(PolicyFile).GetField("Json", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.GetValue(null)!;
            var viaReflection = JsonSerializer.Deserialize<PolicyFile>(json, ByReflection(options))!;
            Assert.Equal(JsonSerializer.Serialize(viaReflection, ByReflection(options)), json);
            Assert.Equal(json, PolicyFile.Parse(json, "policy.json").ToJson());
        }
    }
}
