using NatPolicy.Agents.Policies;
using NatPolicy.Core;

namespace NatPolicy.Agents.Tests;

/// <summary>Shared fixtures: the six feature-map × head combinations at random parameters.</summary>
internal static class TestUtil
{
    public const int ObsDim = 3;
    public const int Arms = 3;
    public const int BoxDim = 2;

    public static readonly PolicyConfig Linear = new(FeatureKind.Linear);
    public static readonly PolicyConfig Rff = new(FeatureKind.Rff, RffFeatureCount: 12, RffBandwidth: 1.5, InitialLogStd: -0.3);
    public static readonly PolicyConfig Mlp = new(FeatureKind.Mlp, HiddenSizes: [5, 4], InitialLogStd: 0.2);

    public static readonly PolicyConfig[] Configs = [Linear, Rff, Mlp];

    public static IEnumerable<object[]> Combos()
    {
        foreach (var kind in new[] { "linear", "rff", "mlp" })
            foreach (var head in new[] { "softmax", "gaussian" })
                yield return [kind, head];
    }

    public static Space ActionSpace(string head) =>
        head == "softmax" ? new DiscreteSpace(Arms) : BoxSpace.Uniform(-2, 2, BoxDim);

    public static PolicyConfig Config(string kind) => kind switch
    {
        "linear" => Linear,
        "rff" => Rff,
        _ => Mlp,
    };

    /// <summary>A policy of the combo with θ perturbed randomly (scale <paramref name="scale"/>) away from its initialisation.</summary>
    public static ParametricPolicy RandomPolicy(string kind, string head, ulong seed, double scale = 0.5)
    {
        var rng = new Rng(seed);
        ParametricPolicy policy = PolicyFactory.Create(Config(kind), ObsDim, ActionSpace(head), rng);
        var theta = new double[policy.ParameterCount];
        policy.GetParameters(theta);
        for (int i = 0; i < theta.Length; i++) theta[i] += scale * rng.NextGaussian();
        policy.SetParameters(theta);
        return policy;
    }

    public static double[] Gaussian(Rng rng, int n, double scale = 1.0)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = scale * rng.NextGaussian();
        return v;
    }

    public static double Norm(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (double d in v) s += d * d;
        return Math.Sqrt(s);
    }

    public static double Dot(ReadOnlySpan<double> u, ReadOnlySpan<double> v)
    {
        double s = 0;
        for (int i = 0; i < u.Length; i++) s += u[i] * v[i];
        return s;
    }

    /// <summary>‖a − b‖ / max(‖b‖, floor).</summary>
    public static double RelativeError(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double floor = 1e-12)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(s) / Math.Max(Norm(b), floor);
    }
}
