using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Solvers;
using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Agents.Updates;

/// <summary>
/// s = (F + λI)⁻¹ g with F from an <see cref="IFisherEstimator"/> at the batch and a <see cref="IFisherSolver"/>:
/// dense Cholesky on the exact or empirical Fisher (NPG), or conjugate gradient on Fisher-vector products (TRPO).
/// A solver status other than converged/max-iterations, or a non-finite s, makes the direction unusable.
/// </summary>
public sealed class FisherDirection(IFisherEstimator estimator, IFisherSolver solver, double damping) : INaturalDirection
{
    private double[] _fs = [];

    public DirectionResult Compute(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient, Span<double> direction)
    {
        var fisher = estimator.Build(policy, batch.Observations, batch.Actions, batch.Count);
        direction.Clear();
        var solve = solver.Solve(fisher, damping, gradient, direction);
        if (!solve.IsUsable)
            return new DirectionResult(false, solve.Iterations, solve.Residual, double.NaN, $"solver stopped: {solve.Status}");
        if (!Vec.AllFinite(direction))
            return new DirectionResult(false, solve.Iterations, solve.Residual, double.NaN, "non-finite natural direction");
        if (_fs.Length != direction.Length) _fs = new double[direction.Length];
        fisher.Apply(direction, _fs);
        double curvature = Vec.Dot(direction, _fs) + damping * Vec.Dot(direction, direction);
        return new DirectionResult(true, solve.Iterations, solve.Residual, curvature, null);
    }
}
