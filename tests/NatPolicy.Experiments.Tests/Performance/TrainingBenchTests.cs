using NatPolicy.Agents.Training;
using NatPolicy.Core;
using NatPolicy.Experiments.Runs;
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
    public void Scaling_times_one_trainer_alone_and_several_at_once_in_interleaved_rounds()
    {
        var s = TrainingBench.Scaling(Small, threads: 2, warmup: 1, iterations: 2, rounds: 2);
        Assert.Equal((2, 2, 2), (s.Threads, s.Rounds, s.Iterations));
        Assert.True(s.AloneMedianSeconds > 0 && s.TogetherMedianSeconds > 0, $"{s}");
        Assert.Equal(2 * s.AloneMedianSeconds / s.TogetherMedianSeconds, s.Speedup);
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingBench.Scaling(Small, threads: 1, warmup: 1, iterations: 1, rounds: 1));
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

/// <summary>Per-phase times of <see cref="NatPolicy.Agents.Training.Trainer.RunIteration"/> and the case filter of <c>bench --train --cases</c>.</summary>
[Trait("Category", "Env")]
public sealed class TrainingBenchPhaseTests
{
    [Fact]
    public void The_phases_cover_the_iteration_and_only_trpo_has_a_line_search()
    {
        var trpo = new TrainingBenchCase("trpo small", "CartPole-v1", "trpo", [("steps_per_iteration", "400")]);
        var trainer = RunComponents.Build(trpo.Config(3)).Trainer;
        trainer.RunIteration();
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        trainer.RunIteration();
        long elapsed = System.Diagnostics.Stopwatch.GetTimestamp() - start;
        var phases = trainer.LastPhases;
        Assert.True(phases.Total > 0 && phases.Total <= elapsed, $"{phases} against {elapsed} ticks");
        Assert.True(phases.Collection > 0 && phases.Direction > 0 && phases.LineSearch > 0 && phases.CriticFit > 0, $"{phases}");

        var npg = TrainingBench.SteadyState(new TrainingBenchCase("npg small", "CartPole-v1", "npg", [("steps_per_iteration", "400")]), warmup: 1, iterations: 3);
        Assert.Equal(IterationPhases.Names.Count, npg.PhaseMedianSeconds.Count);
        Assert.True(npg.PhaseMedianSeconds.All(s => s >= 0), string.Join(", ", npg.PhaseMedianSeconds));
        Assert.Equal(0, npg.PhaseMedianSeconds[IterationPhases.Names.ToList().IndexOf("line search")]);
        Assert.True(npg.PhaseMedianSeconds.Sum() > 0);
    }

    [Fact]
    public void Cases_are_selected_by_id_in_table_order_and_an_unknown_id_is_named()
    {
        Assert.Equal(["cartpole-npg", "mlp64-noshrink"], TrainingBench.Select("mlp64-noshrink, cartpole-npg").Select(c => c.Id));
        Assert.Same(TrainingBench.Cases, TrainingBench.Select(null));
        Assert.Contains(("algo.noise_shrinkage", "false"), TrainingBench.Cases.Single(c => c.Id == "mlp256-noshrink").Overrides);
        var e = Assert.Throws<InputException>(() => TrainingBench.Select("cartpole-npg,mlp65"));
        Assert.Contains("'mlp65'", e.Message);
        Assert.Contains("mlp256-noshrink", e.Message);
    }
}
