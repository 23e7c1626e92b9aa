using NatPolicy.Agents.Policies;
using NatPolicy.Core;

namespace NatPolicy.Agents.Training;

/// <summary>
/// The features ψ(s, t) of a linear value baseline V(s, t) = wᵀψ(s, t); t is the step index within the episode.
/// </summary>
public interface IValueFeatures
{
    int Count { get; }

    void Compute(ReadOnlySpan<double> s, int step, Span<double> psi);
}

/// <summary>
/// rllab's <c>LinearFeatureBaseline</c> features ψ = [s, s², τ, τ², τ³, 1] with τ = t / 100 and s clipped to ±10.
/// Without <paramref name="timeFeatures"/> the τ terms are 0: with bootstrapping on truncation the value of a state
/// does not depend on how long the episode has run, and time features let the fit explain failures by the clock
/// instead of by the state (which biases GAE for λ &lt; 1).
/// </summary>
public sealed class PolynomialValueFeatures(int observationDimension, bool timeFeatures = true) : IValueFeatures
{
    /// <summary>Time-in-episode scale of τ (rllab: 100).</summary>
    public const double TimeScale = 100.0;

    /// <summary>Observations are clipped to ±10 before squaring (rllab clips to the same range).</summary>
    public const double Clip = 10.0;

    public int Count => 2 * observationDimension + 4;

    public void Compute(ReadOnlySpan<double> s, int step, Span<double> psi)
    {
        int d = observationDimension;
        for (int j = 0; j < d; j++)
        {
            double x = Math.Clamp(s[j], -Clip, Clip);
            psi[j] = x;
            psi[d + j] = x * x;
        }
        double tau = timeFeatures ? step / TimeScale : 0.0;
        psi[2 * d] = tau;
        psi[2 * d + 1] = tau * tau;
        psi[2 * d + 2] = tau * tau * tau;
        psi[2 * d + 3] = 1.0;
    }
}

/// <summary>
/// Random Fourier features of the observation (Rahimi &amp; Recht 2007; the same map as the "rff" policy) followed by
/// the polynomial features: a kernel-ridge-like value function that captures the non-quadratic values of swing-up
/// tasks while staying a closed-form least-squares fit.
/// </summary>
public sealed class FourierValueFeatures : IValueFeatures
{
    private readonly RandomFourierFeatureMap _rff;
    private readonly PolynomialValueFeatures _poly;

    /// <param name="observationDimension">Length of s.</param>
    /// <param name="features">Number of random features m.</param>
    /// <param name="bandwidth">ν in sin(P s / ν + φ₀).</param>
    /// <param name="rng">Draws P ~ N(0, 1) and φ₀ ~ U(−π, π).</param>
    public FourierValueFeatures(int observationDimension, int features, double bandwidth, Rng rng, bool timeFeatures = true)
    {
        _rff = new RandomFourierFeatureMap(observationDimension, 1, features, bandwidth, rng);
        _poly = new PolynomialValueFeatures(observationDimension, timeFeatures);
    }

    public int Count => _rff.FeatureCount + _poly.Count;

    public void Compute(ReadOnlySpan<double> s, int step, Span<double> psi)
    {
        _rff.Features(s, psi[.._rff.FeatureCount]);
        _poly.Compute(s, step, psi[_rff.FeatureCount..]);
    }
}

/// <summary>A learned state-value baseline V(s, t) (t: step index within the episode), refitted after every iteration.</summary>
public interface IValueBaseline : ISnapshotable
{
    double Predict(ReadOnlySpan<double> observation, int stepInEpisode);

    /// <summary>
    /// values[i] = <see cref="Predict"/>(row i of observations, steps[i]) for i &lt; count, with the same bits;
    /// observations holds exactly count rows (row-major). Baselines override it to evaluate blocks of rows at once.
    /// </summary>
    void PredictBatch(ReadOnlySpan<double> observations, ReadOnlySpan<int> steps, int count, Span<double> values)
    {
        if (count <= 0) return;
        int d = observations.Length / count;
        for (int i = 0; i < count; i++) values[i] = Predict(observations.Slice(i * d, d), steps[i]);
    }

    /// <summary>Fits V to (observations[i], steps[i]) ↦ targets[i] over <paramref name="count"/> rows (observations row-major).</summary>
    void Fit(ReadOnlySpan<double> observations, ReadOnlySpan<int> steps, ReadOnlySpan<double> targets, int count);
}

/// <summary>
/// A value baseline V(s, t) = wᵀψ(s, t), fitted to the batch's value targets by ridge least squares
/// (ΨᵀΨ + cI) w = ΨᵀR, raising c tenfold until the solution is finite (as rllab). Predicts 0 before the first fit;
/// a fit that stays non-finite keeps the previous weights.
/// </summary>
public sealed class RidgeValueBaseline : IValueBaseline
{
    private const int MaxRidgeAttempts = 5;

    private readonly IValueFeatures _features;
    private readonly double _ridge;
    private readonly double[] _w;
    private readonly double[] _psi;

    /// <param name="features">ψ.</param>
    /// <param name="ridge">Initial ridge coefficient c &gt; 0 (rllab: 1e-5).</param>
    public RidgeValueBaseline(IValueFeatures features, double ridge)
    {
        _features = features;
        _ridge = ridge;
        _w = new double[features.Count];
        _psi = new double[features.Count];
    }

    public ReadOnlySpan<double> Weights => _w;

    public double Predict(ReadOnlySpan<double> observation, int stepInEpisode)
    {
        _features.Compute(observation, stepInEpisode, _psi);
        double v = 0;
        for (int k = 0; k < _psi.Length; k++) v += _w[k] * _psi[k];
        return v;
    }

    /// <summary>Fits w to (observations[i], steps[i]) ↦ targets[i] over <paramref name="count"/> rows (observations row-major).</summary>
    public void Fit(ReadOnlySpan<double> observations, ReadOnlySpan<int> steps, ReadOnlySpan<double> targets, int count)
    {
        int p = _features.Count;
        int d = observations.Length / Math.Max(count, 1);
        if (_columns.Length != p || _columns[0].Length != count)
            _columns = Enumerable.Range(0, p).Select(_ => new double[count]).ToArray();
        for (int i = 0; i < count; i++)
        {
            _features.Compute(observations.Slice(i * d, d), steps[i], _psi);
            for (int k = 0; k < p; k++) _columns[k][i] = _psi[k];
        }
        // ΨᵀΨ and ΨᵀR as column dot products: a fixed summation order, so the fit is the same bit for bit everywhere.
        if (_gram.Length != p * p)
        {
            _gram = new double[p * p];
            _regularised = new double[p * p];
            _factor = new double[p * p];
            _rhs = new double[p];
            _solution = new double[p];
        }
        for (int a = 0; a < p; a++)
        {
            _rhs[a] = FixedLanes.Dot(_columns[a], targets[..count]);
            for (int b = a; b < p; b++) _gram[a * p + b] = _gram[b * p + a] = FixedLanes.Dot(_columns[a], _columns[b]);
        }
        double c = _ridge;
        for (int attempt = 0; attempt < MaxRidgeAttempts; attempt++, c *= 10)
        {
            _gram.CopyTo(_regularised, 0);
            for (int k = 0; k < p; k++) _regularised[k * p + k] += c;
            if (!Solvers.DenseCholesky.Factorize(_regularised, _factor, p, _psi)) continue;
            _rhs.CopyTo(_solution, 0);
            Solvers.DenseCholesky.Solve(_factor, p, _solution);
            if (Updates.Vec.AllFinite(_solution))
            {
                _solution.CopyTo(_w, 0);
                return;
            }
        }
    }

    // Fit scratch (allocated on the first fit of a size): ΨᵀΨ, ΨᵀΨ + cI, its factor, ΨᵀR, w.
    private double[] _gram = [], _regularised = [], _factor = [], _rhs = [], _solution = [];

    private double[][] _columns = [[]];

    public void Save(Snapshot into) => into.Write(_w);

    public void Load(SnapshotReader from) => from.ReadDoubles(_w);
}
