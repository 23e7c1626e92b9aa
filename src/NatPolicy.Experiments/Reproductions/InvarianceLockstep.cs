using NatPolicy.Agents;
using NatPolicy.Agents.Fisher;
using NatPolicy.Agents.Policies;
using NatPolicy.Agents.Solvers;
using NatPolicy.Agents.Training;
using NatPolicy.Agents.Updates;
using NatPolicy.Core;
using NatPolicy.Envs.Vector;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Reproductions;

/// <summary>
/// A fixed dense linear reparameterisation of the observation features: every row s becomes A s (A invertible,
/// n×n row-major). The box bounds become Σⱼ |Aᵢⱼ| · max(|lowⱼ|, |highⱼ|) either side of 0.
/// </summary>
public sealed class LinearObservationVector : ObservationVectorWrapper
{
    private readonly double[] _a;

    public LinearObservationVector(IVectorEnv inner, double[] matrix) : base(inner, Bounds(inner, matrix)) => _a = matrix;

    protected override void Transform(ReadOnlySpan<double> source, Span<double> target)
    {
        int n = target.Length;
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += _a[i * n + j] * source[j];
            target[i] = s;
        }
    }

    private static BoxSpace Bounds(IVectorEnv inner, double[] a)
    {
        var box = inner.SingleObservationSpace;
        int n = box.Dimension;
        if (a.Length != n * n) throw new ArgumentException($"LinearObservationVector: a {a.Length}-entry matrix for a {n}-dimensional observation.", nameof(a));
        var high = new double[n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (a[i * n + j] != 0) high[i] += Math.Abs(a[i * n + j]) * Math.Max(Math.Abs(box.Low[j]), Math.Abs(box.High[j]));
        return new BoxSpace(high.Select(h => -h).ToArray(), high);
    }
}

/// <summary>
/// The controls of the invariance experiment: s = P g with the same normalised step as npg (α = sqrt(2δ / sᵀ(F + λI)s),
/// so every rule moves the KL model by about δ and only the direction differs). <c>diagonal</c>: P = (D + λI)⁻¹ with D
/// the diagonal of the exact Fisher (a diagonal preconditioner, like Adam's second moment); it is invariant under a
/// diagonal A (coordinate j's g scales by 1/aⱼ and D by 1/aⱼ²) but not under a dense A. Otherwise P = I: the vanilla
/// direction, invariant under neither.
/// </summary>
public sealed class ControlDirection(bool diagonal, double damping) : INaturalDirection
{
    private readonly IFisherEstimator _estimator = FisherEstimators.Create(FisherKind.Exact);

    public DirectionResult Compute(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient, Span<double> direction)
    {
        var fisher = _estimator.Build(policy, batch.Observations, batch.Actions, batch.Count);
        int p = direction.Length;
        var e = new double[p];
        var fe = new double[p];
        for (int j = 0; j < p; j++)
        {
            if (!diagonal) { direction[j] = gradient[j]; continue; }
            e[j] = 1;
            fisher.Apply(e, fe);
            e[j] = 0;
            direction[j] = fe[j] + damping > 0 ? gradient[j] / (fe[j] + damping) : 0;
        }
        fisher.Apply(direction, fe);
        double curvature = 0;
        for (int j = 0; j < p; j++) curvature += direction[j] * (fe[j] + damping * direction[j]);
        return new DirectionResult(true, 0, 0, curvature, null, 1.0, damping);
    }
}

/// <summary>
/// npg with λ = 0 in the nonlinear coordinates φ of θ = h(φ) = sinh(φ + 1) − sinh(1) (elementwise; h(0) = 0,
/// h' = cosh(φ + 1) &gt; 0, h''(0) = sinh 1 ≠ 0): g_φ = J g, F_φ = J F J with J = diag(h'(φ)), s_φ = F_φ⁺ g_φ (pseudo-
/// inverse), α = sqrt(2δ / s_φᵀF_φs_φ), φ ← φ + α s_φ, θ ← h(φ). To first order this is θ + α F⁺g, the npg step in θ;
/// the curvature of h adds O(α²) = O(δ).
/// </summary>
public sealed class SinhReparameterisedUpdate(int parameterCount, double maxKl) : IPolicyUpdate
{
    private static readonly double Shift = Math.Sinh(1);
    private readonly IFisherEstimator _estimator = FisherEstimators.Create(FisherKind.Exact);
    private readonly IFisherSolver _solver = FisherSolvers.Create(SolverKind.PseudoInverse);
    private readonly double[] _phi = new double[parameterCount];
    private readonly double[] _j = new double[parameterCount];
    private readonly double[] _g = new double[parameterCount];
    private readonly double[] _s = new double[parameterCount];
    private readonly double[] _fs = new double[parameterCount];

    public UpdateResult Update(IPolicy policy, RolloutBuffer batch, ReadOnlySpan<double> gradient)
    {
        policy.GetParameters(_phi);
        for (int k = 0; k < _phi.Length; k++)
        {
            _phi[k] = Math.Asinh(_phi[k] + Shift) - 1;
            _j[k] = Math.Cosh(_phi[k] + 1);
            _g[k] = _j[k] * gradient[k];
        }
        var metric = new CongruentOperator(_estimator.Build(policy, batch.Observations, batch.Actions, batch.Count), _j);
        Array.Clear(_s);
        var solve = _solver.Solve(metric, 0, _g, _s);
        if (!solve.IsUsable) return UpdateResult.Rejected($"solver stopped: {solve.Status}");
        metric.Apply(_s, _fs);
        double curvature = 0;
        for (int k = 0; k < _s.Length; k++) curvature += _s[k] * _fs[k];
        double alpha = Math.Sqrt(2 * maxKl / curvature);
        if (!double.IsFinite(alpha)) return UpdateResult.Rejected("non-finite step size");
        for (int k = 0; k < _phi.Length; k++) _phi[k] = Math.Sinh(_phi[k] + alpha * _s[k] + 1) - Shift;
        policy.SetParameters(_phi);
        return new UpdateResult(true, alpha, 0, solve.Residual, 0, null, 0);
    }

    public void Save(Snapshot into) { }

    public void Load(SnapshotReader from) { }

    /// <summary>x ↦ J F J x for a diagonal J.</summary>
    private sealed class CongruentOperator(ILinearOperator fisher, double[] j) : ILinearOperator
    {
        private readonly double[] _x = new double[j.Length];

        public int Dimension => j.Length;

        public void Apply(ReadOnlySpan<double> x, Span<double> result)
        {
            for (int k = 0; k < j.Length; k++) _x[k] = j[k] * x[k];
            fisher.Apply(_x, result);
            for (int k = 0; k < j.Length; k++) result[k] *= j[k];
        }
    }
}

/// <summary>An update rule of the lockstep check.</summary>
/// <param name="Name">Label in tables.</param>
/// <param name="Algo">The config's algo: npg with the exact Fisher and pinv with <paramref name="Damping"/>.</param>
/// <param name="Control">null: the natural step; "vanilla" or "diagonal": the <see cref="ControlDirection"/> with npg's step;
/// "sinh": the reference takes the natural step in θ and the second trainer (A = I) the natural step in φ of <see cref="SinhReparameterisedUpdate"/>.</param>
public sealed record LockstepRule(string Name, NpgConfig Algo, string? Control = null, double Damping = 0)
{
    public static LockstepRule Natural(double damping) =>
        new(damping == 0 ? "npg λ=0" : $"npg λ={Fmt.G(damping)}",
            new NpgConfig { Fisher = FisherKind.Exact, Solver = SolverKind.PseudoInverse, Damping = damping }, Damping: damping);

    public static LockstepRule Vanilla { get; } = new("vanilla", new NpgConfig { Damping = 0 }, "vanilla");

    public static LockstepRule DiagonalFisher { get; } = new("diag-Fisher", new NpgConfig { Damping = 0 }, "diagonal");

    /// <summary>npg λ = 0 in θ vs in φ = h⁻¹(θ) (use with <see cref="Reparameterisation.Identity"/>), with KL step δ.</summary>
    public static LockstepRule Sinh(double maxKl) =>
        new($"npg λ=0 in φ δ={Fmt.G(maxKl)}", new NpgConfig { Fisher = FisherKind.Exact, Solver = SolverKind.PseudoInverse, Damping = 0, MaxKl = maxKl }, "sinh");
}

/// <summary>A coordinate change s' = A s of the lockstep check.</summary>
public sealed record Reparameterisation(string Name, double[] Matrix, int Dimension)
{
    /// <summary>A = I (for the nonlinear check, where the coordinates change in θ rather than in s).</summary>
    public static Reparameterisation Identity(int n) => Diagonal(1, n) with { Name = "identity" };

    /// <summary>A = diag(1, c, 1, c, …).</summary>
    public static Reparameterisation Diagonal(double c, int n)
    {
        var a = new double[n * n];
        for (int j = 0; j < n; j++) a[j * n + j] = j % 2 == 1 ? c : 1;
        return new($"diag(1 c 1 c) c={Fmt.G(c)}", a, n);
    }

    /// <summary>
    /// A = Q·diag(d) with Q a random orthogonal matrix (Gram–Schmidt on Gaussian columns from <paramref name="seed"/>)
    /// and dⱼ = κ^(−j/(n−1)), j = 0 … n−1: condition number κ, every entry of A nonzero almost surely.
    /// </summary>
    public static Reparameterisation Dense(double condition, int n, ulong seed)
    {
        var rng = new Rng(seed);
        var q = new double[n * n];
        for (int k = 0; k < n * n; k++) q[k] = rng.NextGaussian();
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < j; i++)
            {
                double dot = 0;
                for (int r = 0; r < n; r++) dot += q[r * n + i] * q[r * n + j];
                for (int r = 0; r < n; r++) q[r * n + j] -= dot * q[r * n + i];
            }
            double norm = 0;
            for (int r = 0; r < n; r++) norm += q[r * n + j] * q[r * n + j];
            norm = Math.Sqrt(norm);
            for (int r = 0; r < n; r++) q[r * n + j] /= norm;
        }
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[i * n + j] = q[i * n + j] * Math.Pow(condition, -(double)j / Math.Max(1, n - 1));
        return new($"dense Q·diag κ={Fmt.G(condition)}", a, n);
    }

    /// <summary>A⁻¹ by Gauss–Jordan elimination with partial pivoting.</summary>
    public double[] Inverse()
    {
        int n = Dimension;
        var m = (double[])Matrix.Clone();
        var inv = new double[n * n];
        for (int i = 0; i < n; i++) inv[i * n + i] = 1;
        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(m[r * n + c]) > Math.Abs(m[pivot * n + c])) pivot = r;
            for (int k = 0; k < n; k++)
            {
                (m[c * n + k], m[pivot * n + k]) = (m[pivot * n + k], m[c * n + k]);
                (inv[c * n + k], inv[pivot * n + k]) = (inv[pivot * n + k], inv[c * n + k]);
            }
            double d = m[c * n + c];
            for (int k = 0; k < n; k++) { m[c * n + k] /= d; inv[c * n + k] /= d; }
            for (int r = 0; r < n; r++)
            {
                if (r == c) continue;
                double f = m[r * n + c];
                if (f == 0) continue;
                for (int k = 0; k < n; k++) { m[r * n + k] -= f * m[c * n + k]; inv[r * n + k] -= f * inv[c * n + k]; }
            }
        }
        return inv;
    }
}

/// <param name="Seeds">Seeds 0 … Seeds − 1 of every (rule, A).</param>
/// <param name="Iterations">Lockstep iterations per seed (2000 CartPole steps each).</param>
/// <param name="Condition">κ of the dense A.</param>
/// <param name="Scale">c of the diagonal A = diag(1, c, 1, c).</param>
/// <param name="Dampings">λ of the natural rule's sweep (0 last).</param>
public sealed record LockstepConfig(int Seeds = 30, int Iterations = 10, double Condition = 100, double Scale = 100,
    IReadOnlyList<double>? Dampings = null, ulong MatrixSeed = 2026)
{
    public IReadOnlyList<double> DampingList => Dampings ?? [1e-2, 1e-4, 1e-6, 1e-8, 0];

    /// <summary>δ of the sinh-reparameterisation check: each a quarter of the last, so α halves.</summary>
    public IReadOnlyList<double> SinhSteps { get; init; } = [1e-2, 2.5e-3, 6.25e-4];
}

/// <summary>One (rule, A): the gap of every (seed, iteration).</summary>
/// <param name="Gaps">Seeds × iterations: max over the batch's states and actions of |π(a|s) − π_A(a|s)|.</param>
/// <param name="Kls">Seeds × iterations: mean over the batch's states of KL(π ‖ π_A).</param>
/// <param name="Moves">Seeds × iterations: max |π_new(a|s) − π_old(a|s)| of the reference update (how far it moved π).</param>
public sealed record LockstepCell(LockstepRule Rule, Reparameterisation A, double[][] Gaps, double[][] Kls, double[][] Moves)
{
    public double MaxGap => Gaps.SelectMany(g => g).Max();
    public double MedianGap => Statistics.Median(Gaps.SelectMany(g => g).ToArray());
    public double MaxKl => Kls.SelectMany(g => g).Max();
    public double MedianMove => Statistics.Median(Moves.SelectMany(g => g).ToArray());
}

/// <summary>
/// The lockstep policy gap: a reference run trains a linear softmax policy on CartPole in the raw coordinates; every
/// iteration a second trainer in the coordinates s' = A s is set to the same policy (W' = W A⁻¹, b' = b), collects the
/// same batch (same env seeds, same action stream, the same probabilities), and applies its own update. The gap
/// between the two resulting policies on that batch's states, in action probabilities and KL, is what coordinate
/// dependence the update has, measured every iteration. No baseline and no observation normalisation (a ridge
/// baseline's fit and running statistics are not invariant), so both trainers see the same advantages.
/// </summary>
public static class InvarianceLockstep
{
    public static IReadOnlyList<LockstepCell> Run(LockstepConfig config, IReadOnlyList<LockstepRule> rules, IReadOnlyList<Reparameterisation> matrices)
    {
        var jobs = (from rule in rules from a in matrices from seed in Enumerable.Range(0, config.Seeds) select (rule, a, seed)).ToArray();
        var results = new (double[] Gap, double[] Kl, double[] Move)[jobs.Length];
        Parallel.For(0, jobs.Length, k => results[k] = RunSeed(jobs[k].rule, jobs[k].a, (ulong)jobs[k].seed, config.Iterations));
        var cells = new List<LockstepCell>();
        int i = 0;
        foreach (var rule in rules)
            foreach (var a in matrices)
            {
                var chunk = results.Skip(i).Take(config.Seeds).ToArray();
                i += config.Seeds;
                cells.Add(new LockstepCell(rule, a, chunk.Select(r => r.Gap).ToArray(), chunk.Select(r => r.Kl).ToArray(), chunk.Select(r => r.Move).ToArray()));
            }
        return cells;
    }

    /// <summary>
    /// The default check: npg λ = 0, the vanilla and the diagonal-Fisher controls under the diagonal and the dense A;
    /// the λ sweep under the dense A; the sinh reparameterisation at each δ of <see cref="LockstepConfig.SinhSteps"/>.
    /// </summary>
    public static IReadOnlyList<LockstepCell> RunDefault(LockstepConfig config)
    {
        var diagonal = Reparameterisation.Diagonal(config.Scale, 4);
        var dense = Reparameterisation.Dense(config.Condition, 4, config.MatrixSeed);
        var main = Run(config, [LockstepRule.Natural(0), LockstepRule.Vanilla, LockstepRule.DiagonalFisher], [diagonal, dense]);
        var sweep = Run(config, config.DampingList.Where(l => l > 0).Select(LockstepRule.Natural).ToArray(), [dense]);
        var sinh = Run(config, config.SinhSteps.Select(LockstepRule.Sinh).ToArray(), [Reparameterisation.Identity(4)]);
        return [.. main, .. sweep, .. sinh];
    }

    public static TrainConfig Training(LockstepRule rule, ulong seed) =>
        TrainDefaults.For("CartPole-v1", "npg") with
        {
            Seed = seed, NormalizeObservations = false, Policy = new LinearPolicyConfig(), Baseline = new NoBaselineConfig(),
            StepsPerIteration = 2_000, Algo = rule.Algo, TotalSteps = 1_000_000,
        };

    private static (double[] Gap, double[] Kl, double[] Move) RunSeed(LockstepRule rule, Reparameterisation a, ulong seed, int iterations)
    {
        var config = Training(rule, seed);
        Func<int, IPolicyUpdate>? update = rule.Control is "vanilla" or "diagonal"
            ? p => new NaturalUpdate(p, new ControlDirection(rule.Control == "diagonal", rule.Damping), rule.Algo.MaxKl)
            : null;
        Func<int, IPolicyUpdate>? movedUpdate = rule.Control == "sinh" ? p => new SinhReparameterisedUpdate(p, rule.Algo.MaxKl) : update;
        InvarianceExperiment.RecordingVector? recorder = null;
        var reference = RunComponents.Build(config, env => recorder = new InvarianceExperiment.RecordingVector(env), update).Trainer;
        var moved = RunComponents.Build(config, env => new LinearObservationVector(env, a.Matrix), movedUpdate).Trainer;
        var inverse = a.Inverse();
        int n = a.Dimension, states = config.RolloutLength() * config.NumEnvs;
        int k = ((DiscreteSpace)reference.Policy.ActionSpace).N, p = reference.Policy.ParameterCount;
        if (p != k * (n + 1)) throw new InvalidOperationException($"lockstep: expected a linear softmax policy with {k * (n + 1)} parameters, got {p}");
        var theta = new double[p];
        var thetaA = new double[p];
        var before = new double[states * k];
        var after = new double[states * k];
        var afterA = new double[states * k];
        double[] gaps = new double[iterations], kls = new double[iterations], moves = new double[iterations];
        for (int it = 0; it < iterations; it++)
        {
            reference.Policy.GetParameters(theta);
            ToMoved(theta, inverse, n, k, thetaA);
            moved.Policy.SetParameters(thetaA);
            reference.RunIteration();
            moved.RunIteration();
            var s = recorder!.Recorded.GetRange(it * states * n, states * n).ToArray();
            Probabilities(moved.Policy, s, a.Matrix, n, k, states, afterA);
            Probabilities(reference.Policy, s, null, n, k, states, after);
            var thetaNew = new double[p];
            reference.Policy.GetParameters(thetaNew);
            reference.Policy.SetParameters(theta);
            Probabilities(reference.Policy, s, null, n, k, states, before);
            reference.Policy.SetParameters(thetaNew);
            double gap = 0, move = 0, kl = 0;
            for (int i = 0; i < after.Length; i++)
            {
                gap = Math.Max(gap, Math.Abs(after[i] - afterA[i]));
                move = Math.Max(move, Math.Abs(after[i] - before[i]));
                if (after[i] > 0) kl += after[i] * Math.Log(after[i] / afterA[i]);
            }
            (gaps[it], kls[it], moves[it]) = (gap, kl / states, move);
        }
        return (gaps, kls, moves);
    }

    /// <summary>W' = W A⁻¹ (K × n, row-major, then the K biases unchanged): the same policy in the coordinates s' = A s.</summary>
    private static void ToMoved(double[] theta, double[] inverse, int n, int k, double[] target)
    {
        for (int r = 0; r < k; r++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int i = 0; i < n; i++) s += theta[r * n + i] * inverse[i * n + j];
                target[r * n + j] = s;
            }
        for (int r = 0; r < k; r++) target[k * n + r] = theta[k * n + r];
    }

    private static void Probabilities(IPolicy policy, double[] raw, double[]? a, int n, int k, int states, double[] p)
    {
        var sp = (SoftmaxPolicy)policy;
        var s = new double[n];
        for (int i = 0; i < states; i++)
        {
            for (int r = 0; r < n; r++)
            {
                if (a is null) { s[r] = raw[i * n + r]; continue; }
                double x = 0;
                for (int j = 0; j < n; j++) x += a[r * n + j] * raw[i * n + j];
                s[r] = x;
            }
            sp.Probabilities(s, p.AsSpan(i * k, k));
        }
    }
}
