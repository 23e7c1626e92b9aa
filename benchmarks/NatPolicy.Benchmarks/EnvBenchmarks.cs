using BenchmarkDotNet.Attributes;
using NatPolicy.Core;
using NatPolicy.Envs;
using NatPolicy.Envs.Vector;

namespace NatPolicy.Benchmarks;

/// <summary>
/// Environment step throughput: <see cref="StepsPerInvocation"/> steps per invocation (precomputed actions, reset on
/// done) of the registry env (TimeLimit-wrapped) and of a <see cref="SyncVectorEnv"/>. Expect 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class EnvBenchmarks
{
    public const int StepsPerInvocation = 1 << 14;
    private const int VectorCopies = 64;
    private const ulong Seed = 0;
    private const ulong ActionSeed = 12345;

    private IEnv _env = null!;
    private SyncVectorEnv _vector = null!;
    private double[] _actions = null!;
    private double[] _vectorActions = null!;

    [Params("CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1")]
    public string EnvId { get; set; } = "CartPole-v1";

    [GlobalSetup]
    public void Setup()
    {
        _env = EnvRegistry.Make(EnvId);
        _env.Reset(Seed);
        _actions = Sample(_env.ActionSpace, StepsPerInvocation);
        _vector = VectorEnvs.Make(EnvId, VectorCopies);
        _vector.Reset(Seed);
        _vectorActions = Sample(_vector.SingleActionSpace, VectorCopies * (StepsPerInvocation / VectorCopies));
    }

    private static double[] Sample(Space space, int count)
    {
        var rng = new Rng(ActionSeed);
        int d = space.Dimension;
        var a = new double[count * d];
        for (int i = 0; i < count; i++) space.Sample(rng, a.AsSpan(i * d, d));
        return a;
    }

    [Benchmark(OperationsPerInvoke = StepsPerInvocation)]
    public double SingleEnvStep()
    {
        int d = _env.ActionSpace.Dimension;
        double sum = 0;
        for (int i = 0; i < StepsPerInvocation; i++)
        {
            var r = _env.Step(_actions.AsSpan(i * d, d));
            sum += r.Reward;
            if (r.Done) _env.Reset();
        }
        return sum;
    }

    /// <summary>Per env step: each vector step advances <see cref="VectorCopies"/> envs.</summary>
    [Benchmark(OperationsPerInvoke = StepsPerInvocation)]
    public double VectorEnvStep()
    {
        int width = VectorCopies * _vector.SingleActionSpace.Dimension;
        double sum = 0;
        for (int i = 0; i < StepsPerInvocation / VectorCopies; i++)
        {
            _vector.Step(_vectorActions.AsSpan(i * width, width));
            sum += _vector.Rewards[0];
        }
        return sum;
    }
}
