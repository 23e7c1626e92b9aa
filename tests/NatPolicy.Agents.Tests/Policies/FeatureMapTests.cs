using NatPolicy.Agents.Policies;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Policies;

[Trait("Category", "Math")]
public sealed class FeatureMapTests
{
    private static IFeatureMap Map(string kind, Rng rng) => kind switch
    {
        "linear" => new LinearFeatureMap(3, 4),
        "rff" => new RandomFourierFeatureMap(3, 4, 10, 0.7, rng),
        _ => new MlpFeatureMap(3, [6, 5], 4),
    };

    [Theory]
    [InlineData("linear")]
    [InlineData("rff")]
    [InlineData("mlp")]
    public void Jvp_matches_finite_differences_and_Vjp_is_its_adjoint(string kind)
    {
        var rng = new Rng(11);
        IFeatureMap map = Map(kind, rng);
        int p = map.ParameterCount, k = map.OutputDimension;
        for (int trial = 0; trial < 5; trial++)
        {
            double[] theta = TestUtil.Gaussian(rng, p, 0.7), s = TestUtil.Gaussian(rng, 3), v = TestUtil.Gaussian(rng, p), u = TestUtil.Gaussian(rng, k);
            var z = new double[k];
            var jv = new double[k];
            var jtu = new double[p];
            map.Forward(theta, s, z);
            map.Jvp(theta, v, jv);
            map.Vjp(theta, u, jtu);

            const double h = 1e-5;
            double[] plus = new double[p], minus = new double[p], zp = new double[k], zm = new double[k], fd = new double[k];
            for (int i = 0; i < p; i++) { plus[i] = theta[i] + h * v[i]; minus[i] = theta[i] - h * v[i]; }
            map.Forward(plus, s, zp);
            map.Forward(minus, s, zm);
            for (int i = 0; i < k; i++) fd[i] = (zp[i] - zm[i]) / (2 * h);
            Assert.True(TestUtil.RelativeError(jv, fd) < 1e-7, $"{kind}: JVP differs from finite differences by {TestUtil.RelativeError(jv, fd)}");

            double lhs = TestUtil.Dot(u, jv), rhs = TestUtil.Dot(jtu, v);
            Assert.True(Math.Abs(lhs - rhs) <= 1e-12 * Math.Max(1, Math.Abs(lhs)), $"{kind}: ⟨u, Jv⟩ = {lhs} but ⟨Jᵀu, v⟩ = {rhs}");
        }
    }

    [Fact]
    public void Vjp_accumulates_into_the_gradient()
    {
        var rng = new Rng(3);
        var map = new MlpFeatureMap(2, [3], 2);
        double[] theta = TestUtil.Gaussian(rng, map.ParameterCount), u = TestUtil.Gaussian(rng, 2);
        var once = new double[map.ParameterCount];
        var twice = new double[map.ParameterCount];
        map.Forward(theta, [0.3, -0.2], new double[2]);
        map.Vjp(theta, u, once);
        map.Vjp(theta, u, twice);
        map.Vjp(theta, u, twice);
        for (int i = 0; i < once.Length; i++) Assert.Equal(2 * once[i], twice[i], 14);
        Assert.True(TestUtil.Norm(once) > 0);
    }

    [Fact]
    public void Rff_features_follow_the_formula_and_mlp_output_layer_starts_small()
    {
        var rng = new Rng(5);
        var rff = new RandomFourierFeatureMap(2, 1, 4, 2.0, rng);
        double[] s = [0.4, -1.1];
        var phi = new double[4];
        rff.Features(s, phi);
        for (int k = 0; k < 4; k++)
        {
            double arg = (rff.Projection[k * 2] * s[0] + rff.Projection[k * 2 + 1] * s[1]) / 2.0 + rff.Phase[k];
            Assert.Equal(Math.Sin(arg), phi[k], 15);
            Assert.InRange(rff.Phase[k], -Math.PI, Math.PI);
        }

        var mlp = new MlpFeatureMap(4, [16, 16], 3);
        var theta = new double[mlp.ParameterCount];
        mlp.Initialize(new Rng(9), theta);
        var z = new double[3];
        mlp.Forward(theta, [1, -1, 0.5, 2], z);
        foreach (double zi in z) Assert.InRange(Math.Abs(zi), 0, 0.1);
        Assert.Contains(theta, t => t != 0);
    }
}
