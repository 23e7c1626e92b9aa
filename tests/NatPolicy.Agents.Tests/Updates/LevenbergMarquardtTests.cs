using NatPolicy.Agents;
using NatPolicy.Agents.Training;
using NatPolicy.Agents.Updates;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Updates;

public sealed class LevenbergMarquardtTests
{
    private sealed class Direction : IDampedDirection
    {
        public double Damping { get; set; } = 1e-4;

        public DirectionResult Compute(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient, Span<double> direction) =>
            throw new NotSupportedException();
    }

    private sealed class Inner : IPolicyUpdate
    {
        public UpdateResult Update(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient) => throw new NotSupportedException();
        public void Save(Snapshot into) { }
        public void Load(SnapshotReader from) { }
    }

    [Fact]
    [Trait("Category", "Math")]
    public void DampingFallsWhenTheModelIsTrustedRisesWhenItIsNotAndStaysInItsBounds()
    {
        var lm = new LevenbergMarquardtUpdate(3, new Inner(), new Direction(), factor: 2, min: 1e-6, max: 1);
        Assert.Equal(5e-5, lm.Next(1e-4, 0.9));
        Assert.Equal(2e-4, lm.Next(1e-4, 0.1));
        Assert.Equal(2e-4, lm.Next(1e-4, -3));      // the step made the surrogate worse
        Assert.Equal(1e-4, lm.Next(1e-4, 0.5));     // between 1/4 and 3/4: unchanged
        Assert.Equal(1e-6, lm.Next(1.5e-6, 0.99));  // clipped at λ_min
        Assert.Equal(1, lm.Next(0.8, 0));           // clipped at λ_max
    }

    [Fact]
    [Trait("Category", "Math")]
    public void DampingIsSavedWithTheCheckpoint()
    {
        var direction = new Direction { Damping = 3e-7 };
        var lm = new LevenbergMarquardtUpdate(3, new Inner(), direction, 2, 0, 1);
        var snapshot = new Snapshot();
        lm.Save(snapshot);
        direction.Damping = 1;
        lm.Load(snapshot.Reader());
        Assert.Equal(3e-7, direction.Damping);
    }

    [Theory]
    [Trait("Category", "Math")]
    [InlineData("levenberg", "algo.damping_schedule 'levenberg' is unknown; allowed: fixed, levenberg_marquardt")]
    public void UnknownScheduleIsRefused(string schedule, string message)
    {
        var config = new TrainConfig { Algo = new NpgConfig { DampingSchedule = schedule } };
        Assert.Contains(message, config.Problems(boxActions: false));
        Assert.Contains(new TrainConfig { Algo = new NpgConfig { DampingFactor = 1 } }.Problems(false), p => p.StartsWith("algo.damping_factor", StringComparison.Ordinal));
        Assert.Contains(new TrainConfig { Algo = new TrpoConfig { DampingSchedule = "levenberg_marquardt", Damping = 1e-12 } }.Problems(false),
            p => p.StartsWith("algo.damping must lie in", StringComparison.Ordinal));
        Assert.Empty(new TrainConfig { Algo = new NpgConfig { DampingSchedule = "levenberg_marquardt" } }.Problems(false));
    }
}
