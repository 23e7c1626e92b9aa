using NatPolicy.Core;

namespace NatPolicy.Agents.Fisher;

/// <summary>
/// Marquardt's scaling of the damping (Marquardt 1963; Moré 1978): the natural direction solves (F + λD) s = g with
/// D = diag(F) instead of (F + λI) s = g. The estimator wraps another one; its <see cref="Build"/> returns the operator
/// F + λ(D − I), so that a solver which adds λI solves (F + λD) s = g and the step rule's sᵀ(op)s + λ sᵀs is sᵀ(F + λD)s.
/// Under a diagonal change of coordinates θ = S θ' the Fisher becomes S F S and D becomes S D S, so the damped step
/// is the same policy change in every such coordinate system, while λI damps a coordinate whose Fisher entry is small
/// (a shrunken feature) far more than one whose entry is large. A zero diagonal entry keeps d = 1 (λI there).
/// D is read from a <see cref="DenseFisher"/>'s diagonal, otherwise from P products with unit vectors; nothing is
/// allocated after the first batch of a dimension.
/// </summary>
public sealed class DiagonalDampingEstimator(IFisherEstimator inner) : IFisherEstimator
{
    private readonly ScaledOperator _operator = new();

    public FisherKind Kind => inner.Kind;

    /// <summary>λ of the solve that follows <see cref="Build"/> (the direction's current damping); 0 until set.</summary>
    public Func<double> Damping { get; set; } = () => 0;

    public ILinearOperator Build(IPolicy policy, ReadOnlyMemory<double> observations, ReadOnlyMemory<double> actions, int count)
    {
        var fisher = inner.Build(policy, observations, actions, count);
        _operator.Reset(fisher, Damping());
        return _operator;
    }

    /// <summary>F + λ(D − I), D = diag(F) with zero entries replaced by 1.</summary>
    private sealed class ScaledOperator : ILinearOperator
    {
        private ILinearOperator _fisher = null!;
        private double[] _shift = [];
        private double[] _unit = [];
        private double[] _column = [];

        public int Dimension => _fisher.Dimension;

        public void Reset(ILinearOperator fisher, double damping)
        {
            _fisher = fisher;
            int p = fisher.Dimension;
            if (_shift.Length != p)
            {
                _shift = new double[p];
                _unit = new double[p];
                _column = new double[p];
            }
            for (int i = 0; i < p; i++)
            {
                double d;
                if (fisher is DenseFisher dense) d = dense.Matrix[i, i];
                else
                {
                    _unit[i] = 1;
                    fisher.Apply(_unit, _column);
                    _unit[i] = 0;
                    d = _column[i];
                }
                _shift[i] = damping * ((d > 0 ? d : 1.0) - 1.0);
            }
        }

        public void Apply(ReadOnlySpan<double> x, Span<double> result)
        {
            _fisher.Apply(x, result);
            for (int i = 0; i < result.Length; i++) result[i] += _shift[i] * x[i];
        }
    }
}
