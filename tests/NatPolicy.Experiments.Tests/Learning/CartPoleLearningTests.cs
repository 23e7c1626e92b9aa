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

    /// <summary>The acceptance asks for 9 of 10 seeds; a test pins a smaller sample of it: 2 of 3 fixed seeds.</summary>
    [Theory]
    [InlineData("npg")]
    [InlineData("trpo")]
    public void ReachesTheThresholdWithin100kStepsInTwoOfThreeSeeds(string algo)
    {
        var results = new[] { 12345UL, 23456UL, 34567UL }
            .Select(seed => BestReturn(TrainDefaults.For("CartPole-v1", algo) with { Seed = seed, TotalSteps = 100_000 }))
            .ToArray();
        Assert.True(results.Count(r => r.Best >= Threshold) >= 2,
            $"{algo}: best return_mean per seed {string.Join(", ", results.Select(r => $"{r.Best} after {r.Steps} steps"))}");
    }

    [Fact]
    public void VanillaGradientReachesTheThresholdWithin100kSteps()
    {
        var config = TrainDefaults.For("CartPole-v1", "vpg") with { Seed = 12345, TotalSteps = 100_000 };
        var (best, steps) = BestReturn(config);
        Assert.True(best >= Threshold, $"vpg seed 12345: best return_mean {best} after {steps} steps");
    }
}
