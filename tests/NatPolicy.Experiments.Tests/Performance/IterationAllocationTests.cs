using NatPolicy.Experiments.Performance;

namespace NatPolicy.Experiments.Tests.Performance;

/// <summary>
/// A steady-state training iteration allocates nothing on the training thread (GC.GetAllocatedBytesForCurrentThread
/// over a few iterations after the warm-up): collection, advantages, the policy gradient, the Fisher and its solves
/// (noise shrinkage included), the line search, the log row. Without a critic (baseline.kind none) the critics'
/// own fits (the MLP's, the ridge critics' MathNet solve) stay out of the measurement.
/// </summary>
[Trait("Category", "Allocation")]
public sealed class IterationAllocationTests
{
    [Theory]
    [InlineData("npg")]
    [InlineData("trpo")]
    public void CartPole_defaults_allocate_nothing_per_steady_state_iteration(string algo)
    {
        var c = new TrainingBenchCase($"CartPole-v1 {algo}", "CartPole-v1", algo,
            [("steps_per_iteration", "400"), ("baseline.kind", "none")]);
        var cost = TrainingBench.SteadyState(c, warmup: 3, iterations: 3);
        Assert.Equal(0, cost.BytesPerIteration);
    }
}
