using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Agents.Updates;

/// <summary>Plain gradient ascent: θ ← θ + α g ("sgd") or θ ← θ + Adam(g) ("adam").</summary>
public sealed class VanillaUpdate : IPolicyUpdate
{
    private readonly double _learningRate;
    private readonly Adam? _adam;
    private readonly double[] _theta;
    private readonly double[] _step;

    /// <param name="parameterCount">P.</param>
    /// <param name="learningRate">α &gt; 0.</param>
    /// <param name="useAdam">Adam instead of a fixed step.</param>
    public VanillaUpdate(int parameterCount, double learningRate, bool useAdam)
    {
        _learningRate = learningRate;
        _adam = useAdam ? new Adam(parameterCount, learningRate) : null;
        _theta = new double[parameterCount];
        _step = new double[parameterCount];
    }

    public UpdateResult Update(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient)
    {
        if (!Vec.AllFinite(gradient)) return UpdateResult.Rejected("non-finite gradient");
        if (_adam is null)
            for (int k = 0; k < _step.Length; k++) _step[k] = _learningRate * gradient[k];
        else
            _adam.Step(gradient, _step);
        if (!Vec.AllFinite(_step)) return UpdateResult.Rejected("non-finite step");
        policy.GetParameters(_theta);
        for (int k = 0; k < _theta.Length; k++) _theta[k] += _step[k];
        policy.SetParameters(_theta);
        return new UpdateResult(true, _learningRate, 0, double.NaN, 0, null);
    }

    public void Save(Snapshot into) => _adam?.Save(into);

    public void Load(SnapshotReader from) => _adam?.Load(from);
}
