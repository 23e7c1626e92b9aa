using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Training;

[Trait("Category", "Math")]
public sealed class RidgeValueBaselineTests
{
    [Fact]
    public void RecoversAFunctionInItsFeatureSpace()
    {
        // V(s, t) = 1 + 2 s0 − s1² + 3 (t/100): exactly representable, so the ridge fit must reproduce it closely.
        var rng = new Rng(3);
        const int n = 500;
        var obs = new double[n * 2];
        var steps = new int[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            obs[2 * i] = rng.NextDouble(-1, 1);
            obs[2 * i + 1] = rng.NextDouble(-1, 1);
            steps[i] = rng.NextInt(200);
            y[i] = 1 + 2 * obs[2 * i] - obs[2 * i + 1] * obs[2 * i + 1] + 3 * steps[i] / 100.0;
        }
        var b = new RidgeValueBaseline(new PolynomialValueFeatures(2), 1e-5);
        Assert.Equal(0.0, b.Predict([0.5, 0.5], 10));
        b.Fit(obs, steps, y, n);
        Assert.Equal(1 + 2 * 0.5 - 0.25 + 3 * 0.1, b.Predict([0.5, 0.5], 10), 3);
    }

    [Fact]
    public void FourierFeaturesFitANonQuadraticFunction()
    {
        // V(s) = cos(3 s0): far from quadratic; 128 random features of bandwidth 0.5 fit it to a few percent.
        var rng = new Rng(4);
        const int n = 2000;
        var obs = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            obs[i] = rng.NextDouble(-2, 2);
            y[i] = Math.Cos(3 * obs[i]);
        }
        var poly = new RidgeValueBaseline(new PolynomialValueFeatures(1), 1e-5);
        var rff = new RidgeValueBaseline(new FourierValueFeatures(1, 128, 0.5, new Rng(5)), 1e-5);
        poly.Fit(obs, new int[n], y, n);
        rff.Fit(obs, new int[n], y, n);
        double ePoly = 0, eRff = 0;
        for (double x = -1.9; x < 1.9; x += 0.1)
        {
            ePoly = Math.Max(ePoly, Math.Abs(poly.Predict([x], 0) - Math.Cos(3 * x)));
            eRff = Math.Max(eRff, Math.Abs(rff.Predict([x], 0) - Math.Cos(3 * x)));
        }
        Assert.True(eRff < 0.05, $"rff max error {eRff}");
        Assert.True(ePoly > 0.5, $"poly max error {ePoly}");
    }
}
