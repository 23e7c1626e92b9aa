using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Training;
using NatPolicy.Core;

namespace NatPolicy.Agents.Updates;

/// <summary>
/// Episodic natural actor-critic (eNAC; Peters &amp; Schaal 2008, "Natural Actor-Critic", Neurocomputing 71, Table 2).
/// Each episode e gives the compatible features ψₑ = Σₜ γᵗ ∇θ log π(aₜ|sₜ) and the target Rₑ = Σₜ γᵗ rₜ; the least-squares
/// critic Rₑ ≈ ψₑᵀw + J over the batch's episodes (J a constant column) has weights w equal to the natural gradient,
/// without forming F. Concretely, with E episodes, ψ̄ and R̄ their means:
/// <c>min_{w,J} Σₑ (Rₑ − ψₑᵀw − J)² + Eλ‖w‖²</c> (λ = <c>damping</c>, on w only), solved in the augmented normal
/// equations [ΨᵀΨ + EλI, Ψᵀ1; 1ᵀΨ, E]. Eliminating J gives exactly w = (F_ψ + λI)⁻¹ g_ψ with
/// F_ψ = (1/E) Σ (ψₑ − ψ̄)(ψₑ − ψ̄)ᵀ (the centred empirical Fisher of the episode-summed scores) and
/// g_ψ = (1/E) Σ (ψₑ − ψ̄)(Rₑ − R̄) (REINFORCE with the mean-return baseline): the identity the tests pin.
/// <para>Episodes of the batch: each env copy's rows split at termination/truncation; a segment cut by the batch end
/// or by truncation is bootstrapped with γᴴ V(next state), and every segment's target is reduced by V of its first
/// state (V = 0 without a baseline, which is the paper's setting for whole episodes; with a critic it also removes
/// the start value of a segment that continues an episode of an earlier batch).</para>
/// <para>Step: θ ← θ + α w with npg's KL-budget rule α = sqrt(2δ / wᵀ(F + λI)w), F the exact per-state Fisher of the
/// batch's states (one matrix-free product), so the mean KL over states moves by about δ.
/// The solve is dense in P + 1 (like npg's Cholesky): meant for small policies.</para>
/// </summary>
public sealed class NaturalActorCritic : IPolicyUpdate
{
    private readonly double _gamma;
    private readonly double _damping;
    private readonly double _maxKl;
    private readonly double[] _w;
    private readonly double[] _fw;
    private readonly double[] _theta;
    private readonly double[] _score;

    /// <param name="parameterCount">P.</param>
    /// <param name="gamma">γ ∈ [0, 1] of the episode sums.</param>
    /// <param name="damping">λ ≥ 0 (ridge on w, scaled by E so it is the damping of F_ψ).</param>
    /// <param name="maxKl">δ &gt; 0 of the step.</param>
    public NaturalActorCritic(int parameterCount, double gamma, double damping, double maxKl)
    {
        _gamma = gamma;
        _damping = damping;
        _maxKl = maxKl;
        _w = new double[parameterCount];
        _fw = new double[parameterCount];
        _theta = new double[parameterCount];
        _score = new double[parameterCount];
    }

    /// <summary>The last batch's episode count E (0 before the first update).</summary>
    public int Episodes { get; private set; }

    public UpdateResult Update(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient)
    {
        int p = policy.ParameterCount;
        var (psi, returns) = EpisodeFeatures(policy, batch, _gamma, _score);
        Episodes = returns.Length;
        if (Episodes < 2) return UpdateResult.Rejected($"nac needs at least 2 episodes in the batch (got {Episodes})");
        if (!CompatibleWeights(psi, returns, p, _damping, _w))
            return UpdateResult.Rejected("nac: the compatible-feature least squares is singular or non-finite (raise algo.damping)");
        var fisher = new MatrixFreeFisherEstimator().Build(policy, batch.Observations, batch.Actions, batch.Count);
        fisher.Apply(_w, _fw);
        double curvature = Vec.Dot(_w, _fw) + _damping * Vec.Dot(_w, _w);
        if (!(curvature > 0)) return UpdateResult.Rejected($"curvature wᵀFw = {Fmt.G(curvature)} ≤ 0");
        double alpha = Math.Sqrt(2 * _maxKl / curvature);
        if (!double.IsFinite(alpha)) return UpdateResult.Rejected("non-finite step size");
        policy.GetParameters(_theta);
        Vec.Axpy(_theta, alpha, _w, _theta);
        if (!Vec.AllFinite(_theta)) return UpdateResult.Rejected("non-finite parameters after the step");
        policy.SetParameters(_theta);
        return new UpdateResult(true, alpha, 0, double.NaN, 0, null);
    }

    /// <summary>
    /// The batch's episodes (see the class): ψ (E × P row-major) and the targets R (length E), in the order of each
    /// segment's last row. <paramref name="score"/> is scratch of length P.
    /// </summary>
    public static (double[] Psi, double[] Returns) EpisodeFeatures(IPolicy policy, RolloutBuffer batch, double gamma, double[] score)
    {
        int n = batch.Envs, p = policy.ParameterCount;
        var psi = new List<double[]>();
        var returns = new List<double>();
        var open = new double[n][];
        var ret = new double[n];
        var discount = new double[n];
        var startValue = new double[n];
        for (int row = 0; row < batch.Count; row++)
        {
            int i = row % n;
            if (open[i] is null)
            {
                open[i] = new double[p];
                ret[i] = 0;
                discount[i] = 1;
                startValue[i] = batch.Values[row];
            }
            policy.Score(batch.Observation(row), batch.Action(row), score);
            double[] f = open[i];
            for (int j = 0; j < p; j++) f[j] += discount[i] * score[j];
            ret[i] += discount[i] * batch.Rewards[row];
            discount[i] *= gamma;
            bool lastRow = row + n >= batch.Count;
            if (batch.Terminated[row] || batch.Truncated[row] || lastRow)
            {
                double tail = batch.Terminated[row] ? 0 : discount[i] * batch.NextValues[row];
                psi.Add(f);
                returns.Add(ret[i] + tail - startValue[i]);
                open[i] = null!;
            }
        }
        var flat = new double[psi.Count * p];
        for (int e = 0; e < psi.Count; e++) psi[e].CopyTo(flat, e * p);
        return (flat, returns.ToArray());
    }

    /// <summary>
    /// w of the regression R ≈ ψᵀw + J with ridge Eλ on w only, from the augmented normal equations (Cholesky);
    /// false (w = 0) when they are not positive definite or anything is non-finite.
    /// </summary>
    public static bool CompatibleWeights(ReadOnlySpan<double> psi, ReadOnlySpan<double> returns, int p, double damping, Span<double> w)
    {
        int e = returns.Length, d = p + 1;
        w.Clear();
        MathNet.Numerics.Control.UseSingleThread();
        var design = new DenseMatrix(e, d); // [Ψ, 1]
        for (int r = 0; r < e; r++)
        {
            for (int j = 0; j < p; j++) design[r, j] = psi[r * p + j];
            design[r, p] = 1;
        }
        Matrix<double> normal = design.TransposeThisAndMultiply(design);
        for (int j = 0; j < p; j++) normal[j, j] += e * damping;
        Vector<double> rhs = design.TransposeThisAndMultiply(Vector<double>.Build.DenseOfArray(returns.ToArray()));
        Vector<double> solution;
        try
        {
            solution = normal.Cholesky().Solve(rhs);
        }
        catch (ArgumentException)
        {
            return false;
        }
        for (int j = 0; j < p; j++)
            if (!double.IsFinite(solution[j])) { w.Clear(); return false; }
            else w[j] = solution[j];
        return true;
    }

    public void Save(Snapshot into) { }

    public void Load(SnapshotReader from) { }
}
