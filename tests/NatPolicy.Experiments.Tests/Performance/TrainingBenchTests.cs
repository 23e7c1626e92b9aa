using NatPolicy.Experiments.Performance;

namespace NatPolicy.Experiments.Tests.Performance;

/// <summary><see cref="TrainingBench"/> times real iterations and counts a seed as reaching a threshold at the right env step, or never.</summary>
[Trait("Category", "Env")]
public sealed class TrainingBenchTests
{
    private static readonly TrainingBenchCase Small = new("CartPole-v1 npg small", "CartPole-v1", "npg", [("steps_per_iteration", "400")]);

    [Fact]
    public void Steady_state_times_each_iteration_and_counts_its_allocations()
    {
        var cost = TrainingBench.SteadyState(Small, warmup: 1, iterations: 3);
        Assert.Equal(400, cost.StepsPerIteration);
        Assert.Equal(3, cost.Iterations);
        Assert.True(cost.MinSeconds > 0 && cost.MinSeconds <= cost.MedianSeconds, $"{cost}");
        Assert.True(cost.BytesPerIteration >= 0 && double.IsFinite(cost.BytesPerIteration), $"{cost}");
    }

    [Fact]
    public void A_threshold_met_at_once_is_reached_after_one_iteration_and_one_out_of_reach_never()
    {
        var easy = TrainingBench.ToThreshold(Small, threshold: 0, maxSteps: 4000, seeds: 2, firstSeed: 5);
        Assert.Equal((2, 2, 400.0), (easy.Seeds, easy.Reached, easy.MedianSteps));
        Assert.True(easy.MedianSeconds > 0);

        var impossible = TrainingBench.ToThreshold(Small, threshold: 1e9, maxSteps: 800, seeds: 1, firstSeed: 5);
        Assert.Equal(0, impossible.Reached);
        Assert.True(double.IsPositiveInfinity(impossible.MedianSteps) && double.IsPositiveInfinity(impossible.MedianSeconds));
    }
}
