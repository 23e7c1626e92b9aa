using NatPolicy.Agents;
using NatPolicy.Agents.Policies;
using NatPolicy.Agents.Training;
using NatPolicy.Agents.Updates;
using NatPolicy.Core;
using NatPolicy.Experiments.Configuration;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Tests.Runs;

/// <summary>A Gaussian action is finite or the step is refused: an update may not push log σ past <see cref="GaussianPolicy.MaxLogStd"/>.</summary>
[Trait("Category", "Fault")]
public sealed class GaussianActionGuardTests
{
    /// <summary>An update that sets every log σ of a Gaussian policy to a finite but huge value (and reports it accepted).</summary>
    private sealed class InflateLogStd(double logStd) : IPolicyUpdate
    {
        public UpdateResult Update(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient)
        {
            var theta = new double[policy.ParameterCount];
            policy.GetParameters(theta);
            int d = policy.ActionSpace.Dimension;
            for (int i = theta.Length - d; i < theta.Length; i++) theta[i] = logStd;
            policy.SetParameters(theta);
            return new UpdateResult(true, 1, 0, double.NaN, 0, null);
        }

        public void Save(Snapshot into) { }

        public void Load(SnapshotReader from) { }
    }

    private static TrainConfig Config() => ConfigResolver.Resolve("Pendulum-v1", "vpg", null, null,
        [("steps_per_iteration", "200"), ("total_steps", "1000"), ("policy.kind", "linear"), ("baseline.kind", "none")]);

    [Theory]
    [InlineData(25.0)]
    [InlineData(700.0)]
    [InlineData(1e300)]
    public void AStepToAnOverflowingSigmaIsRefusedAndThetaStaysBitIdentical(double logStd)
    {
        var trainer = RunComponents.Build(Config(), update: _ => new InflateLogStd(logStd)).Trainer;
        var before = new double[trainer.Policy.ParameterCount];
        trainer.Policy.GetParameters(before);
        for (int k = 0; k < 3; k++)
        {
            var row = trainer.RunIteration();
            Assert.False(row.Accepted);
            Assert.Contains("log σ", row.Rejection, StringComparison.Ordinal);
        }
        var after = new double[before.Length];
        trainer.Policy.GetParameters(after);
        Assert.Equal(before, after);
    }

    [Fact]
    public void AStepBelowTheBoundIsKept()
    {
        var trainer = RunComponents.Build(Config(), update: _ => new InflateLogStd(GaussianPolicy.MaxLogStd)).Trainer;
        var row = trainer.RunIteration();
        Assert.True(row.Accepted);
        var theta = new double[trainer.Policy.ParameterCount];
        trainer.Policy.GetParameters(theta);
        Assert.Equal(GaussianPolicy.MaxLogStd, theta[^1]);
    }
}
