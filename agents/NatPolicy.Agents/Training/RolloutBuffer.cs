namespace NatPolicy.Agents.Training;

/// <summary>
/// One iteration's experience from N vectorised envs over T steps, time-major (row t·N + i), with the quantities
/// derived from it (values, advantages, value targets). Allocated once per run; refilled every iteration.
/// </summary>
public sealed class RolloutBuffer
{
    public RolloutBuffer(int steps, int envs, int observationDimension, int actionDimension)
    {
        Steps = steps;
        Envs = envs;
        ObservationDimension = observationDimension;
        ActionDimension = actionDimension;
        int n = steps * envs;
        Observations = new double[n * observationDimension];
        Actions = new double[n * actionDimension];
        LogProbs = new double[n];
        Rewards = new double[n];
        Terminated = new bool[n];
        Truncated = new bool[n];
        StepInEpisode = new int[n];
        Values = new double[n];
        NextValues = new double[n];
        Advantages = new double[n];
        Returns = new double[n];
    }

    /// <summary>T, steps per env per iteration.</summary>
    public int Steps { get; }

    /// <summary>N, the number of env copies.</summary>
    public int Envs { get; }

    /// <summary>T·N rows.</summary>
    public int Count => Steps * Envs;

    public int ObservationDimension { get; }
    public int ActionDimension { get; }

    /// <summary>T·N × observation dimension: the (normalised) observation each action was taken in.</summary>
    public double[] Observations { get; }

    /// <summary>T·N × action dimension.</summary>
    public double[] Actions { get; }

    /// <summary>log π_old(a|s) at collection time.</summary>
    public double[] LogProbs { get; }

    public double[] Rewards { get; }
    public bool[] Terminated { get; }
    public bool[] Truncated { get; }

    /// <summary>Index of the step within its episode (0 for the first action after a reset).</summary>
    public int[] StepInEpisode { get; }

    /// <summary>Baseline V(sₜ).</summary>
    public double[] Values { get; }

    /// <summary>V of the state after the step (V(final obs) on truncation, V(sₜ₊₁) otherwise; unused on termination).</summary>
    public double[] NextValues { get; }

    public double[] Advantages { get; }

    /// <summary>Value targets Âₜ + V(sₜ).</summary>
    public double[] Returns { get; }

    private PolicyBatch? _rows;

    /// <summary>
    /// The batch's rows (observations and actions) as a <see cref="PolicyBatch"/> of <paramref name="policy"/>: made
    /// once per policy, reloaded whenever the buffer's rows differ bit for bit from the loaded ones (a refill), so
    /// every consumer of an iteration (gradient, entropy, Fisher operator, line search, KL) shares one load and the
    /// forward passes kept in it. The comparison costs O(T·N·(n + d)), far below one forward pass.
    /// </summary>
    public PolicyBatch Rows(IPolicy policy)
    {
        if (_rows is null || !ReferenceEquals(_rows.Policy, policy)) _rows = policy.CreateBatch(Count);
        if (!_rows.Holds(Observations, Actions, Count)) _rows.Load(Observations, Actions, Count);
        return _rows;
    }

    public ReadOnlySpan<double> Observation(int row) => Observations.AsSpan(row * ObservationDimension, ObservationDimension);
    public ReadOnlySpan<double> Action(int row) => Actions.AsSpan(row * ActionDimension, ActionDimension);
}
