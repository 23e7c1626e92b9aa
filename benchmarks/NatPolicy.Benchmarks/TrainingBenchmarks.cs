using BenchmarkDotNet.Attributes;
using NatPolicy.Agents.Training;
using NatPolicy.Experiments.Performance;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Benchmarks;

/// <summary>
/// One steady-state training iteration (collection, advantages, update, critic fit) of each case of
/// <see cref="TrainingBench.Cases"/>, with allocations; the trainer has run 3 iterations before the first measurement.
/// Run: dotnet run -c Release --project benchmarks/NatPolicy.Benchmarks -- --filter '*TrainingBenchmarks*'
/// (<c>natpolicy bench --train</c> measures the same cases without BenchmarkDotNet, plus time to threshold).
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private Trainer _trainer = null!;

    public static IEnumerable<string> CaseNames => TrainingBench.Cases.Select(c => c.Name);

    [ParamsSource(nameof(CaseNames))]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var c = TrainingBench.Cases.Single(x => x.Name == Case);
        _trainer = RunComponents.Build(c.Config(0)).Trainer;
        for (int i = 0; i < 3; i++) _trainer.RunIteration();
    }

    [Benchmark]
    public IterationLog Iteration() => _trainer.RunIteration();
}
