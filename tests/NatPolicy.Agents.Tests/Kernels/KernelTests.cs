using NatPolicy.Agents.Kernels;
using NatPolicy.Agents.Policies;
using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests.Kernels;

/// <summary>
/// The kernels give the bits of their documented operation order on every lane width (512, 256, 128 bits and the
/// scalar path), a row gives the same bits alone or in a block, and the tanh is accurate, odd and saturating.
/// </summary>
[Trait("Category", "Math")]
public sealed class KernelTests
{
    /// <summary>Values spread over 2⁻²⁰ … 2²⁰ so that another summation order or a fused multiply-add changes the bits.</summary>
    private static double[] Draw(Rng rng, int n) =>
        Enumerable.Range(0, n).Select(_ => rng.NextGaussian() * Math.Pow(2, rng.NextInt(41) - 20)).ToArray();

    private static long[] Bits(double[] x) => x.Select(BitConverter.DoubleToInt64Bits).ToArray();

    private static long UlpDistance(double a, double b)
    {
        long ia = BitConverter.DoubleToInt64Bits(a), ib = BitConverter.DoubleToInt64Bits(b);
        if (ia < 0) ia = long.MinValue - ia;
        if (ib < 0) ib = long.MinValue - ib;
        return Math.Abs(ia - ib);
    }

    [Fact]
    public void Tanh_is_within_two_ulp_of_the_library_tanh_odd_saturating_and_NaN_preserving()
    {
        long worst = 0;
        double at = 0;
        var rng = new Rng(5);
        var xs = Enumerable.Range(0, 50001).Select(i => -25 + i * 1e-3)
            .Concat(Enumerable.Range(0, 20000).Select(_ => rng.NextGaussian() * Math.Pow(2, rng.NextInt(60) - 50)))
            .Concat([0.625, Math.BitDecrement(0.625), 19.0, 20.0, 1e-300, double.Epsilon, 5e-324 * 3]);
        foreach (double x in xs)
        {
            double t = Activation.Tanh(x);
            long d = UlpDistance(t, Math.Tanh(x));
            if (d > worst) (worst, at) = (d, x);
            Assert.Equal(BitConverter.DoubleToInt64Bits(-t), BitConverter.DoubleToInt64Bits(Activation.Tanh(-x)));
        }
        Assert.True(worst <= 2, $"tanh is {worst} ulp off at x = {at:R}");
        foreach (double x in new[] { 20.0, 25.0, 1e300, double.PositiveInfinity })
        {
            Assert.Equal(1.0, Activation.Tanh(x));
            Assert.Equal(-1.0, Activation.Tanh(-x));
        }
        Assert.True(double.IsNaN(Activation.Tanh(double.NaN)));
        Assert.True(double.IsNegative(Activation.Tanh(-0.0)) && Activation.Tanh(-0.0) == 0);
    }

    [Fact]
    public void The_exponent_constant_is_the_shifter_bits_minus_the_bias()
    {
        Assert.Equal(LaneBits.ShifterBitsMinusBias, BitConverter.DoubleToInt64Bits(LaneBits.Shifter) - 1023);
        Assert.Equal(LaneBits.Shifter, 1.5 * Math.Pow(2, 52));
    }

    [Fact]
    public void Tanh_and_its_chain_rule_give_the_same_bits_on_every_lane_width()
    {
        var rng = new Rng(6);
        double[] x = [.. Draw(rng, 61).Select(v => v * 1e-5), double.NaN, double.PositiveInfinity, -0.0, 0.625, -19.5];
        double[] d = Draw(rng, x.Length), a = x.Select(Activation.Tanh).ToArray();
        long[] expected = Bits(a);
        double[] chain = d.Select((v, i) => v * (1 - a[i] * a[i])).ToArray();
        var paths = new (Action<double[]> Tanh, Action<double[]> Chain)[]
        {
            (v => Activation.Tanh<Lanes1>(v), v => Activation.ScaleByTanhDerivative<Lanes1>(v, a)),
            (v => Activation.Tanh<Lanes128>(v), v => Activation.ScaleByTanhDerivative<Lanes128>(v, a)),
            (v => Activation.Tanh<Lanes256>(v), v => Activation.ScaleByTanhDerivative<Lanes256>(v, a)),
            (v => Activation.Tanh<Lanes512>(v), v => Activation.ScaleByTanhDerivative<Lanes512>(v, a)),
        };
        foreach (var path in paths)
        {
            double[] y = (double[])x.Clone(), e = (double[])d.Clone();
            path.Tanh(y);
            path.Chain(e);
            Assert.Equal(expected, Bits(y));
            Assert.Equal(Bits(chain), Bits(e));
        }
    }

    [Fact]
    public void Dense_kernels_follow_the_documented_order_on_every_lane_width()
    {
        var rng = new Rng(7);
        foreach (var (rows, inner, outs) in new[] { (1, 3, 1), (2, 5, 70), (5, 7, 19), (9, 13, 33), (4, 0, 16), (6, 32, 8) })
        {
            double[] a = Draw(rng, rows * inner), bT = Draw(rng, inner * outs), y0 = Draw(rng, rows * outs);
            double[] u = Draw(rng, rows * outs), x = Draw(rng, rows * inner), g0 = Draw(rng, outs * inner), gb0 = Draw(rng, outs);

            // The documented orders, written out.
            double[] product = (double[])y0.Clone(), outer = (double[])g0.Clone(), sums = (double[])gb0.Clone();
            for (int r = 0; r < rows; r++)
                for (int i = 0; i < outs; i++)
                    for (int j = 0; j < inner; j++) product[r * outs + i] = product[r * outs + i] + a[r * inner + j] * bT[j * outs + i];
            for (int r = 0; r < rows; r++)
                for (int i = 0; i < outs; i++)
                {
                    sums[i] = sums[i] + u[r * outs + i];
                    for (int j = 0; j < inner; j++) outer[i * inner + j] = outer[i * inner + j] + u[r * outs + i] * x[r * inner + j];
                }

            var paths = new Action<double[], double[], double[]>[]
            {
                (y, g, gb) => { Dense.MultiplyAdd<Lanes1>(a, rows, inner, bT, outs, y, 0); Dense.OuterAdd<Lanes1>(u, rows, outs, x, inner, g, 0); Dense.ColumnSumsAdd<Lanes1>(u, rows, outs, gb, 0); },
                (y, g, gb) => { Dense.MultiplyAdd<Lanes128>(a, rows, inner, bT, outs, y, 0); Dense.OuterAdd<Lanes128>(u, rows, outs, x, inner, g, 0); Dense.ColumnSumsAdd<Lanes128>(u, rows, outs, gb, 0); },
                (y, g, gb) => { Dense.MultiplyAdd<Lanes256>(a, rows, inner, bT, outs, y, 0); Dense.OuterAdd<Lanes256>(u, rows, outs, x, inner, g, 0); Dense.ColumnSumsAdd<Lanes256>(u, rows, outs, gb, 0); },
                (y, g, gb) => { Dense.MultiplyAdd<Lanes512>(a, rows, inner, bT, outs, y, 0); Dense.OuterAdd<Lanes512>(u, rows, outs, x, inner, g, 0); Dense.ColumnSumsAdd<Lanes512>(u, rows, outs, gb, 0); },
                (y, g, gb) => { Dense.MultiplyAdd(a, rows, inner, bT, outs, y); Dense.OuterAdd(u, rows, outs, x, inner, g); Dense.ColumnSumsAdd(u, rows, outs, gb); },
            };
            foreach (var path in paths)
            {
                double[] y = (double[])y0.Clone(), g = (double[])g0.Clone(), gb = (double[])gb0.Clone();
                path(y, g, gb);
                Assert.Equal(Bits(product), Bits(y));
                Assert.Equal(Bits(outer), Bits(g));
                Assert.Equal(Bits(sums), Bits(gb));
            }

            // One row through the stored (untransposed) matrix: RowDotsAdd with w = bTᵀ.
            var w = new double[outs * inner];
            Dense.Transpose(bT, inner, outs, w);
            for (int r = 0; r < rows; r++)
            {
                double[] yr = y0.AsSpan(r * outs, outs).ToArray();
                Dense.RowDotsAdd(w, outs, inner, a.AsSpan(r * inner, inner), yr);
                Assert.Equal(Bits(product.AsSpan(r * outs, outs).ToArray()), Bits(yr));
            }
        }
    }

    [Fact]
    public void Mlp_batch_calls_give_the_per_row_bits()
    {
        var rng = new Rng(8);
        var map = new MlpFeatureMap(3, [7, 9], 4);
        int n = 3, k = 4, p = map.ParameterCount, count = 2 * MlpFeatureMap.ChunkRows + 5;
        double[] theta = TestUtil.Gaussian(rng, p, 0.8), v = TestUtil.Gaussian(rng, p), inputs = TestUtil.Gaussian(rng, count * n, 1.5);
        double[] u = TestUtil.Gaussian(rng, count * k);
        double[] z = new double[count * k], jv = new double[count * k], grad = new double[p];
        double[] zRow = new double[count * k], jvRow = new double[count * k], gradRow = new double[p];
        for (int r = 0; r < count; r++)
        {
            map.Forward(theta, inputs.AsSpan(r * n, n), zRow.AsSpan(r * k, k));
            map.Jvp(theta, v, jvRow.AsSpan(r * k, k));
            map.Vjp(theta, u.AsSpan(r * k, k), gradRow);
        }

        IFeatureMap batchMap = map;
        var batch = batchMap.CreateBatch(count);
        batchMap.LoadBatch(batch, inputs, count);
        batchMap.ForwardBatch(theta, batch, z);
        batchMap.JvpBatch(theta, batch, v, jv);
        batchMap.VjpBatch(theta, batch, u, grad);
        Assert.Equal(Bits(zRow), Bits(z));
        Assert.Equal(Bits(jvRow), Bits(jv));
        Assert.Equal(Bits(gradRow), Bits(grad));

        // The batch JVP is the derivative of the batch forward pass, and the batch VJP its adjoint.
        const double h = 1e-5;
        double[] plus = theta.Select((t, i) => t + h * v[i]).ToArray(), minus = theta.Select((t, i) => t - h * v[i]).ToArray();
        double[] zp = new double[count * k], zm = new double[count * k];
        batchMap.ForwardBatch(plus, batch, zp);
        batchMap.ForwardBatch(minus, batch, zm);
        double[] fd = zp.Select((a, i) => (a - zm[i]) / (2 * h)).ToArray();
        Assert.True(TestUtil.RelativeError(jv, fd) < 1e-7, $"batch JVP differs from finite differences by {TestUtil.RelativeError(jv, fd)}");
        double lhs = TestUtil.Dot(u, jv), rhs = TestUtil.Dot(grad, v);
        Assert.True(Math.Abs(lhs - rhs) <= 1e-11 * Math.Max(1, Math.Abs(lhs)), $"⟨u, Jv⟩ = {lhs} but ⟨Jᵀu, v⟩ = {rhs}");
    }

    [Fact]
    public void Adam_gives_the_same_steps_on_every_lane_width()
    {
        var rng = new Rng(9);
        const int n = 37;
        var adams = new[] { new Adam(n, 0.01), new Adam(n, 0.01), new Adam(n, 0.01), new Adam(n, 0.01) };
        for (int t = 0; t < 3; t++)
        {
            double[] g = Draw(rng, n);
            var steps = new double[4][];
            for (int w = 0; w < 4; w++) steps[w] = new double[n];
            adams[0].Step<Lanes1>(g, steps[0]);
            adams[1].Step<Lanes128>(g, steps[1]);
            adams[2].Step<Lanes256>(g, steps[2]);
            adams[3].Step<Lanes512>(g, steps[3]);
            for (int w = 1; w < 4; w++) Assert.Equal(Bits(steps[0]), Bits(steps[w]));
            Assert.All(steps[0], s => Assert.True(double.IsFinite(s) && s != 0));
        }
    }

    [Fact]
    public void Mlp_baseline_block_predictions_give_the_per_row_bits()
    {
        var rng = new Rng(10);
        var b = new MlpValueBaseline(2, [8, 8], 2, 16, 1e-2, new Rng(1));
        int count = MlpValueBaseline.PredictRows + 37;
        double[] obs = TestUtil.Gaussian(rng, count * 2), targets = obs.Where((_, i) => i % 2 == 0).Select(x => 3 * x + 1).ToArray();
        var steps = new int[count];
        b.Fit(obs, steps, targets, count);
        var values = new double[count];
        ((IValueBaseline)b).PredictBatch(obs, steps, count, values);
        for (int r = 0; r < count; r++)
            Assert.Equal(BitConverter.DoubleToInt64Bits(b.Predict(obs.AsSpan(r * 2, 2), 0)), BitConverter.DoubleToInt64Bits(values[r]));
    }
}
