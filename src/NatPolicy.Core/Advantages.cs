namespace NatPolicy.Core;

/// <summary>
/// Returns and advantages of a batch collected from N vectorised envs over T steps, stored time-major
/// (index t·N + i). Pure functions, no allocation.
/// </summary>
public static class Advantages
{
    /// <summary>
    /// Generalised advantage estimation (Schulman et al. 2016, eq. 16):
    /// δₜ = rₜ + γ (1 − terminatedₜ) V'ₜ − V(sₜ),  Âₜ = δₜ + γλ (1 − doneₜ) Âₜ₊₁,  and the value targets
    /// Rₜ = Âₜ + V(sₜ). λ = 1 gives the reward-to-go return minus the baseline; λ = 0 the one-step TD error.
    /// </summary>
    /// <param name="rewards">T·N rewards rₜ.</param>
    /// <param name="values">T·N baseline values V(sₜ) of the observations the actions were taken in.</param>
    /// <param name="nextValues">
    /// T·N values V'ₜ of the state after the step: V(s_final) when the step was truncated (bootstrap on truncation),
    /// V(sₜ₊₁) when the episode goes on (for the last step, the observation after the batch); ignored on termination.
    /// </param>
    /// <param name="terminated">T·N terminal flags (no bootstrap: the MDP ended).</param>
    /// <param name="truncated">T·N truncation flags (the episode was cut: bootstrap from V'ₜ, and the advantage recursion stops).</param>
    /// <param name="envs">N, the number of copies; T = rewards.Length / N.</param>
    /// <param name="gamma">Discount γ ∈ [0, 1].</param>
    /// <param name="lambda">GAE λ ∈ [0, 1].</param>
    /// <param name="advantages">Output Âₜ, T·N.</param>
    /// <param name="returns">Output value targets Rₜ = Âₜ + V(sₜ), T·N.</param>
    public static void Gae(
        ReadOnlySpan<double> rewards, ReadOnlySpan<double> values, ReadOnlySpan<double> nextValues,
        ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, int envs, double gamma, double lambda,
        Span<double> advantages, Span<double> returns)
    {
        int total = rewards.Length;
        if (envs <= 0 || total % envs != 0)
            throw new ArgumentException($"batch of {total} rows does not split into {envs} envs");
        if (values.Length != total || nextValues.Length != total || terminated.Length != total || truncated.Length != total
            || advantages.Length != total || returns.Length != total)
            throw new ArgumentException("all GAE arrays must have the same length T·N");
        int steps = total / envs;
        for (int i = 0; i < envs; i++)
        {
            double next = 0;
            for (int t = steps - 1; t >= 0; t--)
            {
                int k = t * envs + i;
                double bootstrap = terminated[k] ? 0.0 : nextValues[k];
                double delta = rewards[k] + gamma * bootstrap - values[k];
                bool done = terminated[k] || truncated[k];
                next = delta + (done ? 0.0 : gamma * lambda * next);
                advantages[k] = next;
                returns[k] = next + values[k];
            }
        }
    }

    /// <summary>Shifts and scales <paramref name="x"/> in place to mean 0 and standard deviation 1 (population std + 1e-8).</summary>
    public static void Normalize(Span<double> x)
    {
        if (x.Length == 0) return;
        double mean = 0;
        foreach (var v in x) mean += v;
        mean /= x.Length;
        double var = 0;
        foreach (var v in x) var += (v - mean) * (v - mean);
        double std = Math.Sqrt(var / x.Length) + NormalizeEpsilon;
        for (int k = 0; k < x.Length; k++) x[k] = (x[k] - mean) / std;
    }

    /// <summary>Added to the standard deviation in <see cref="Normalize"/> (as Spinning Up / SB3: 1e-8).</summary>
    public const double NormalizeEpsilon = 1e-8;
}
