using MathNet.Numerics.LinearAlgebra;
using NatPolicy.Core;

namespace NatPolicy.Agents.Training;

/// <summary>
/// rllab's <c>LinearFeatureBaseline</c>: V(s, t) = wᵀψ(s, t) with ψ = [s, s², τ, τ², τ³, 1], τ = t / 100 the step
/// index within the episode, fitted to the batch's value targets by ridge least squares
/// (ψᵀψ + c I) w = ψᵀR, raising c tenfold until the solution is finite.
/// Predicts 0 before the first fit.
/// </summary>
public sealed class LinearValueBaseline : ISnapshotable
{
    /// <summary>Time-in-episode scale of τ (rllab: 100).</summary>
    public const double TimeScale = 100.0;

    private readonly int _obsDim;
    private readonly double _ridge;
    private readonly double[] _w;
    private readonly double[] _psi;

    /// <param name="observationDimension">Length of s.</param>
    /// <param name="ridge">Initial ridge coefficient c &gt; 0 (rllab: 1e-5).</param>
    public LinearValueBaseline(int observationDimension, double ridge)
    {
        _obsDim = observationDimension;
        _ridge = ridge;
        _w = new double[FeatureCount];
        _psi = new double[FeatureCount];
    }

    public int FeatureCount => 2 * _obsDim + 4;

    public ReadOnlySpan<double> Weights => _w;

    /// <summary>V(s, t) for one observation s at step t of its episode.</summary>
    public double Predict(ReadOnlySpan<double> observation, int stepInEpisode)
    {
        Features(observation, stepInEpisode, _psi);
        double v = 0;
        for (int k = 0; k < _psi.Length; k++) v += _w[k] * _psi[k];
        return v;
    }

    /// <summary>Fits w to (observations[i], steps[i]) ↦ targets[i] over <paramref name="count"/> rows.</summary>
    public void Fit(ReadOnlySpan<double> observations, ReadOnlySpan<int> steps, ReadOnlySpan<double> targets, int count)
    {
        int p = FeatureCount;
        var gram = Matrix<double>.Build.Dense(p, p);
        var rhs = Vector<double>.Build.Dense(p);
        for (int i = 0; i < count; i++)
        {
            Features(observations.Slice(i * _obsDim, _obsDim), steps[i], _psi);
            for (int a = 0; a < p; a++)
            {
                rhs[a] += _psi[a] * targets[i];
                for (int b = a; b < p; b++) gram[a, b] += _psi[a] * _psi[b];
            }
        }
        for (int a = 0; a < p; a++)
            for (int b = 0; b < a; b++) gram[a, b] = gram[b, a];

        double c = _ridge;
        for (int attempt = 0; attempt < MaxRidgeAttempts; attempt++, c *= 10)
        {
            var regularised = gram + Matrix<double>.Build.DenseIdentity(p) * c;
            var w = regularised.Solve(rhs);
            if (w.All(double.IsFinite))
            {
                for (int k = 0; k < p; k++) _w[k] = w[k];
                return;
            }
        }
        // Keep the previous weights: a baseline that cannot be fitted must not poison advantages with NaN.
    }

    private const int MaxRidgeAttempts = 5;

    private void Features(ReadOnlySpan<double> s, int step, Span<double> psi)
    {
        int d = _obsDim;
        for (int j = 0; j < d; j++)
        {
            double x = Math.Clamp(s[j], -FeatureClip, FeatureClip);
            psi[j] = x;
            psi[d + j] = x * x;
        }
        double tau = step / TimeScale;
        psi[2 * d] = tau;
        psi[2 * d + 1] = tau * tau;
        psi[2 * d + 2] = tau * tau * tau;
        psi[2 * d + 3] = 1.0;
    }

    /// <summary>Observations are clipped to ±10 before squaring (rllab clips to the same range).</summary>
    private const double FeatureClip = 10.0;

    public void Save(Snapshot into) => into.Write(_w);

    public void Load(SnapshotReader from) => from.ReadDoubles(_w);
}
