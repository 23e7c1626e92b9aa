using NatPolicy.Agents.Training;

namespace NatPolicy.Agents.Tests.Training;

[Trait("Category", "Math")]
public sealed class TrainConfigTests
{
    [Fact]
    public void JsonRoundTripsEveryField()
    {
        var c = TrainConfig.Defaults("Pendulum-v1", "trpo") with { Seed = 7, HiddenSizes = [16, 8], Damping = 0.125 };
        var back = TrainConfig.Overlay(new TrainConfig(), c.ToJson(), "test");
        Assert.Equal(c.ToJson(), back.ToJson());
    }

    [Fact]
    public void OverlayChangesOnlyTheGivenKeys()
    {
        var c = TrainConfig.Overlay(TrainConfig.Defaults("CartPole-v1", "npg"), """{"max_kl": 0.05, "seed": 3}""", "f.json");
        Assert.Equal(0.05, c.MaxKl);
        Assert.Equal(3UL, c.Seed);
        Assert.Equal(TrainConfig.Defaults("CartPole-v1", "npg").StepsPerIteration, c.StepsPerIteration);
    }

    [Fact]
    public void MisspelledKeyIsNamedWithASuggestion()
    {
        var e = Assert.Throws<ConfigException>(() => TrainConfig.Overlay(new TrainConfig(), """{"max_kll": 0.05}""", "f.json"));
        Assert.Contains("'max_kll'", e.Message);
        Assert.Contains("did you mean 'max_kl'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1, 2]")]
    public void MalformedJsonIsOneLine(string json)
    {
        var e = Assert.Throws<ConfigException>(() => TrainConfig.Overlay(new TrainConfig(), json, "f.json"));
        Assert.StartsWith("f.json:", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void WrongTypeNamesTheKey()
    {
        var e = Assert.Throws<ConfigException>(() => TrainConfig.Overlay(new TrainConfig(), """{"num_envs": "eight"}""", "f.json"));
        Assert.Contains("num_envs", e.Message);
    }

    [Fact]
    public void DefaultsAreValidForEveryEnvAndAlgo()
    {
        foreach (var env in new[] { "CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1" })
            foreach (var algo in TrainConfig.Algos)
                Assert.Empty(TrainConfig.Defaults(env, algo).Problems());
    }

    [Fact]
    public void NonPositiveValuesAreProblems()
    {
        var c = new TrainConfig { TotalSteps = 0, StepsPerIteration = -1, MaxKl = 0 };
        var problems = c.Problems().ToArray();
        Assert.Contains(problems, p => p.StartsWith("total_steps", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("steps_per_iteration", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("max_kl", StringComparison.Ordinal));
    }
}
