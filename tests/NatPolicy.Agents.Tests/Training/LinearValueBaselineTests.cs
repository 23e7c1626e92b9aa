using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Training;

[Trait("Category", "Math")]
public sealed class LinearValueBaselineTests
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
        var b = new LinearValueBaseline(2, 1e-5);
        Assert.Equal(0.0, b.Predict([0.5, 0.5], 10));
        b.Fit(obs, steps, y, n);
        Assert.Equal(1 + 2 * 0.5 - 0.25 + 3 * 0.1, b.Predict([0.5, 0.5], 10), 3);
    }
}
