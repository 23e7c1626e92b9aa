using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Training;

[Trait("Category", "Math")]
public sealed class MlpValueBaselineTests
{
    private static (double[] Obs, double[] Y) Sample(int n, Rng rng)
    {
        // V(s) = 50 + 20 cos(3 s0) s1: non-quadratic, offset and scaled like a return (tests the target rescaling).
        var obs = new double[2 * n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            obs[2 * i] = rng.NextDouble(-1, 1);
            obs[2 * i + 1] = rng.NextDouble(-1, 1);
            y[i] = 50 + 20 * Math.Cos(3 * obs[2 * i]) * obs[2 * i + 1];
        }
        return (obs, y);
    }

    private static double MaxError(IValueBaseline b)
    {
        double e = 0;
        for (double x = -0.95; x < 1; x += 0.1)
            for (double z = -0.95; z < 1; z += 0.1)
                e = Math.Max(e, Math.Abs(b.Predict([x, z], 0) - (50 + 20 * Math.Cos(3 * x) * z)));
        return e;
    }

    [Fact]
    public void FitsANonlinearFunctionThatThePolynomialBaselineCannot()
    {
        const int n = 2000;
        var (obs, y) = Sample(n, new Rng(7));
        var steps = new int[n];
        var mlp = new MlpValueBaseline(2, [32, 32], epochs: 10, minibatch: 64, learningRate: 3e-3, new Rng(8));
        var poly = new RidgeValueBaseline(new PolynomialValueFeatures(2), 1e-5);
        Assert.True(Math.Abs(mlp.Predict([0.3, 0.3], 0)) < 0.1, "near 0 before the first fit (small output layer)");
        for (int fit = 0; fit < 10; fit++) mlp.Fit(obs, steps, y, n);
        poly.Fit(obs, steps, y, n);
        double eMlp = MaxError(mlp), ePoly = MaxError(poly);
        Assert.True(eMlp < 2.0, $"mlp max error {eMlp} (target range 30..70)");
        Assert.True(ePoly > 10.0, $"poly max error {ePoly}");
    }

    [Fact]
    public void RescalingTheTargetsKeepsThePredictionsAndSnapshotsResumeExactly()
    {
        const int n = 300;
        var (obs, y) = Sample(n, new Rng(9));
        var steps = new int[n];
        var a = new MlpValueBaseline(2, [8], epochs: 2, minibatch: 32, learningRate: 1e-2, new Rng(10));
        a.Fit(obs, steps, y, n);
        var snap = new Snapshot();
        a.Save(snap);
        var b = new MlpValueBaseline(2, [8], epochs: 2, minibatch: 32, learningRate: 1e-2, new Rng(99));
        b.Load(snap.Reader());
        Assert.Equal(a.Predict([0.2, -0.4], 0), b.Predict([0.2, -0.4], 0));

        // Identical further fits (same Adam moments, same shuffles) ⇒ identical predictions, bit for bit.
        var shifted = y.Select(v => 3 * v - 100).ToArray();
        a.Fit(obs, steps, shifted, n);
        b.Fit(obs, steps, shifted, n);
        Assert.Equal(a.Predict([0.7, 0.1], 0), b.Predict([0.7, 0.1], 0));
        Assert.Equal(a.Predict([-0.3, 0.9], 0), b.Predict([-0.3, 0.9], 0));
    }

    [Fact]
    public void PredictAndFitDoNotAllocateOnceSized()
    {
        const int n = 256;
        var (obs, y) = Sample(n, new Rng(11));
        var steps = new int[n];
        var b = new MlpValueBaseline(2, [16, 16], epochs: 1, minibatch: 64, learningRate: 1e-3, new Rng(12));
        b.Fit(obs, steps, y, n);
        long before = GC.GetAllocatedBytesForCurrentThread();
        b.Fit(obs, steps, y, n);
        double v = b.Predict(obs.AsSpan(0, 2), 0);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(double.IsFinite(v));
    }
}
