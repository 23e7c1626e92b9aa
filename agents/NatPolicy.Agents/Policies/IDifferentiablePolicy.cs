namespace NatPolicy.Agents.Policies;

/// <summary>
/// A policy π_θ(a|s) = head(a | z = f_θ(s)) built from an <see cref="IFeatureMap"/> and a distribution head, with
/// what the Fisher estimators need on top of <see cref="IPolicy"/>. θ layout: the feature map's P_f parameters first,
/// then the head's own (Gaussian: D log standard deviations; softmax: none).
/// </summary>
public interface IDifferentiablePolicy : IPolicy
{
    IFeatureMap FeatureMap { get; }

    /// <summary>The policy's current θ (length P), without copying. Do not hold across <see cref="IPolicy.SetParameters"/>.</summary>
    ReadOnlySpan<double> Parameters { get; }

    /// <summary>
    /// result += scale · F(s) v, where F(s) = Jᵀ M J (+ 2 on each log-std diagonal entry for a Gaussian) is the Fisher
    /// of π_θ(·|s) in θ: J = ∂z/∂θ, M the head's Fisher in z (softmax: diag p − p pᵀ; Gaussian: Σ⁻¹). Computed with
    /// one forward pass, a JVP and a VJP; never forms F. Allocates nothing.
    /// </summary>
    void AddFisherVectorProduct(ReadOnlySpan<double> observation, ReadOnlySpan<double> v, double scale, Span<double> result);

    /// <summary>matrix (P×P row-major) += scale · F(s), formed densely (K VJPs per state). Scratch allocated on first use.</summary>
    void AddExactFisher(ReadOnlySpan<double> observation, double scale, Span<double> matrix);

    /// <summary>Everything needed to rebuild this policy exactly (<see cref="PolicyFactory.FromData"/>).</summary>
    PolicyData ToData();
}
