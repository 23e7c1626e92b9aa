using NatPolicy.Agents.Training;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Tests.Runs;

/// <summary>normalize_observations_until stops the running statistics once that many env steps were collected.</summary>
[Trait("Category", "Env")]
public sealed class NormalizerFreezeTests
{
    /// <summary>The normaliser's mean after 2 and after 4 iterations of 1000 steps.</summary>
    private static (double[] After2, double[] After4) Means(long until)
    {
        var config = TrainDefaults.For("CartPole-v1", "npg") with { Seed = 1, StepsPerIteration = 1_000, NormalizeObservationsUntil = until };
        var parts = RunComponents.Build(config);
        parts.Trainer.RunIteration();
        parts.Trainer.RunIteration();
        var after2 = parts.Normalizer!.Statistics.Mean.ToArray();
        parts.Trainer.RunIteration();
        parts.Trainer.RunIteration();
        return (after2, parts.Normalizer.Statistics.Mean.ToArray());
    }

    [Fact]
    public void StatisticsStopAfterTheGivenSteps()
    {
        var (frozen2, frozen4) = Means(2_000);
        Assert.Equal(frozen2, frozen4);
        var (moving2, moving4) = Means(0);
        Assert.Equal(frozen2, moving2);
        Assert.NotEqual(moving2, moving4);
    }
}
