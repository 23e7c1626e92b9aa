using BenchmarkDotNet.Attributes;
using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Policies;
using NatPolicy.Agents.Solvers;
using NatPolicy.Core;

namespace NatPolicy.Benchmarks;

/// <summary>
/// Policy hot paths on CartPole-sized problems (4-d observations; 2 discrete actions or a 1-d box):
/// per-call sample / log-prob / score, and one Fisher-vector product and one CG solve over a batch of states.
/// Run: dotnet run -c Release --project benchmarks/NatPolicy.Benchmarks -- --filter '*PolicyBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class PolicyBenchmarks
{
    private const int ObservationDimension = 4;
    private const int BatchSize = 1000;
    private const int CgIterations = 10;
    private const double Damping = 0.1;

    private ParametricPolicy _policy = null!;
    private Rng _rng = null!;
    private double[] _observation = null!;
    private double[] _action = null!;
    private double[] _score = null!;
    private double[] _observations = null!;
    private double[] _v = null!;
    private double[] _fv = null!;
    private ILinearOperator _fisher = null!;
    private ConjugateGradientSolver _cg = null!;

    [Params("linear", "rff", "mlp")]
    public string Features { get; set; } = "mlp";

    [Params("softmax", "gaussian")]
    public string Head { get; set; } = "softmax";

    [GlobalSetup]
    public void Setup()
    {
        _rng = new Rng(1);
        FeatureKind kind = PolicyConfig.ParseFeatureKind(Features) ?? throw new InvalidOperationException(Features);
        Space actions = Head == "softmax" ? new DiscreteSpace(2) : BoxSpace.Uniform(-1, 1, 1);
        // The sizes the README's figures were measured at (64×64 MLP, 128 random features), not the training defaults.
        _policy = PolicyFactory.Create(new PolicyConfig(kind, HiddenSizes: [64, 64], RffFeatureCount: 128), ObservationDimension, actions, _rng);
        var theta = new double[_policy.ParameterCount];
        _policy.GetParameters(theta);
        for (int i = 0; i < theta.Length; i++) theta[i] += 0.1 * _rng.NextGaussian();
        _policy.SetParameters(theta);
        _observation = [0.01, -0.2, 0.03, 0.4];
        _action = new double[actions.Dimension];
        _policy.Sample(_observation, _rng, _action);
        _score = new double[_policy.ParameterCount];
        _observations = new double[BatchSize * ObservationDimension];
        for (int i = 0; i < _observations.Length; i++) _observations[i] = _rng.NextGaussian();
        _fisher = new MatrixFreeFisherEstimator().Build(_policy, _observations, Array.Empty<double>(), BatchSize);
        _v = new double[_policy.ParameterCount];
        for (int i = 0; i < _v.Length; i++) _v[i] = _rng.NextGaussian();
        _fv = new double[_policy.ParameterCount];
        _cg = new ConjugateGradientSolver(CgIterations, 0);
    }

    [Benchmark]
    public double Sample()
    {
        _policy.Sample(_observation, _rng, _action);
        return _action[0];
    }

    [Benchmark]
    public double LogProb() => _policy.LogProb(_observation, _action);

    [Benchmark]
    public double Score() => _policy.Score(_observation, _action, _score);

    /// <summary>One F v over <see cref="BatchSize"/> states.</summary>
    [Benchmark]
    public double FisherVectorProduct()
    {
        _fisher.Apply(_v, _fv);
        return _fv[0];
    }

    /// <summary>A 10-iteration CG solve with the matrix-free Fisher over <see cref="BatchSize"/> states.</summary>
    [Benchmark]
    public double ConjugateGradientSolve() => _cg.Solve(_fisher, Damping, _v, _fv).Residual;
}
