using NatPolicy.Agents.Training;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Tests.Learning;

/// <summary>Short runs with the shipped CartPole-v1 defaults must solve the task (Gymnasium's threshold 475).</summary>
[Trait("Category", "Learning")]
public sealed class CartPoleLearningTests
{
    private const double Threshold = 475;

    /// <summary>Trains until the threshold or the step budget; returns the best return_mean and the env steps used.</summary>
    private static (double Best, long Steps) BestReturn(TrainConfig config)
    {
        var trainer = RunComponents.Build(config).Trainer;
        double best = double.NegativeInfinity;
        while (trainer.EnvSteps < config.TotalSteps && best < Threshold)
        {
            var row = trainer.RunIteration();
            if (!double.IsNaN(row.ReturnMean)) best = Math.Max(best, row.ReturnMean);
        }
        return (best, trainer.EnvSteps);
    }

    [Theory]
    [InlineData("npg", 12345UL)]
    [InlineData("trpo", 12345UL)]
    public void ReachesTheThresholdWithin100kSteps(string algo, ulong seed)
    {
        var config = TrainConfig.Defaults("CartPole-v1", algo) with { Seed = seed, TotalSteps = 100_000 };
        var (best, steps) = BestReturn(config);
        Assert.True(best >= Threshold, $"{algo} seed {seed}: best return_mean {best} after {steps} steps");
    }

    [Fact]
    public void VanillaGradientReachesTheThresholdWithin300kSteps()
    {
        var config = TrainConfig.Defaults("CartPole-v1", "vpg") with { Seed = 12345, TotalSteps = 300_000 };
        var (best, steps) = BestReturn(config);
        Assert.True(best >= Threshold, $"vpg seed 12345: best return_mean {best} after {steps} steps");
    }
}
