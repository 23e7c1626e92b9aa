using System.CommandLine;
using System.Globalization;
using System.Text;
using NatPolicy.Cli.Plotting;
using NatPolicy.Core;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Reproductions;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Cli.Verbs;

/// <summary>
/// One reproducible experiment: its CLI name, a one-line summary, and a run function that writes its CSV, figure
/// (PNG + SVG) and report.md into the given directory and returns lines to print. Add a reproduction by adding one
/// entry to <see cref="ReproduceVerb.Reproductions"/>.
/// </summary>
public sealed record Reproduction(string Name, string Summary, Func<string, IReadOnlyList<string>> Run);

/// <summary><c>natpolicy reproduce NAME [--out DIR]</c>: re-runs a classic natural-gradient result (default out: results/reproduce/NAME).</summary>
public static class ReproduceVerb
{
    public const string Name = "reproduce";

    public static IReadOnlyList<Reproduction> Reproductions { get; } =
    [
        new("kakade-twostate", "Kakade (2001) two-state MDP: vanilla plateau vs natural escape (exact flows)", RunTwoState),
        new("kakade-lqr", "Kakade (2001) 1-d LQR: time to cost 22 under parameter rescaling (exact flows)", RunLqr),
        new("empirical-fisher", "Martens (2020) 1-d example: exact vs empirical Fisher steps", RunEmpiricalFisher),
        new("empirical-fisher-cartpole", "Martens (2020) part (b): NPG on CartPole with the exact vs the empirical Fisher (10 seeds)", RunEmpiricalFisherCartPole),
        new("invariance", "Amari/Kakade: vpg vs npg on CartPole under badly conditioned feature scalings (5 seeds)", RunInvariance),
        new("gaussian-metric", "Salimbeni et al. (2018): Euclidean vs KL distances of Gaussians; natural vs vanilla gradient fitting a Gaussian in three parameterisations", RunGaussianMetric),
        new("invariance-lockstep", "The lockstep policy gap under diagonal, dense and nonlinear reparameterisations: npg vs vanilla and diagonal-Fisher controls, a λ sweep (30 seeds)", RunInvarianceLockstep),
        new("kfac", "Martens & Grosse (2015): K-FAC npg vs CG trpo on CartPole-v1, MLP 64×64, env steps to 475 and seconds per iteration (10 seeds)", RunKfac),
        new("nac", "Peters & Schaal (2008): episodic natural actor-critic vs npg on CartPole-v1, linear softmax, env steps to 475 (10 seeds)", RunNac),
    ];

    public const string Summary = "Re-run a classic natural-gradient result (kakade-twostate, kakade-lqr, empirical-fisher, invariance, ...)";

    /// <summary>The <c>reproduce</c> command.</summary>
    public static Command Build(TextWriter stdout)
    {
        string names = string.Join(", ", Reproductions.Select(r => r.Name));
        var nameArgument = new Argument<string[]>("NAME")
        {
            Description = "The reproduction: " + string.Join("; ", Reproductions.Select(r => $"{r.Name}: {r.Summary}")),
            Arity = ArgumentArity.ZeroOrMore,
            HelpName = "NAME",
        };
        nameArgument.CompletionSources.Add(Reproductions.Select(r => r.Name).ToArray());
        var outOption = Options.Text("--out", "DIR", "Output folder. [default: results/reproduce/NAME]");
        var command = new Command(Name, Summary);
        command.Arguments.Add(nameArgument);
        command.Options.Add(outOption);
        command.SetAction(p =>
        {
            var given = p.GetValue(nameArgument) ?? [];
            if (given.Length == 0) throw new UsageException($"missing one reproduction name ({names})");
            if (given.Length > 1) throw new UsageException($"unexpected argument '{given[1]}' (expected one reproduction name ({names}))");
            string name = given[0];
            var repro = Reproductions.FirstOrDefault(r => r.Name == name)
                ?? throw new UsageException($"unknown reproduction '{name}'; allowed: {names}");
            string outDir = p.GetValue(outOption) ?? Path.Combine("results", "reproduce", name);
            OutputPath.Check("--out", outDir, folder: true);
            Directory.CreateDirectory(outDir);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            foreach (var line in repro.Run(outDir)) stdout.WriteLine(line);
            stdout.WriteLine($"wrote {Path.Combine(outDir, name)}.{{csv,png,svg}} and {Path.Combine(outDir, "report.md")} in {sw.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            return 0;
        });
        return command;
    }

    private static string G(double x, int digits = 3) => Fmt.G(x, digits);

    private static string G(double? x, int digits = 3) => x is { } v ? Fmt.G(v, digits) : "never";

    private static void WriteCsv(string path, string header, IEnumerable<IEnumerable<object>> rows)
    {
        var sb = new StringBuilder().Append(header).Append('\n');
        foreach (var row in rows)
            sb.AppendJoin(',', row.Select(v => v switch
            {
                double d => Fmt.D(d),
                int i => i.ToString(CultureInfo.InvariantCulture),
                _ => Convert.ToString(v, CultureInfo.InvariantCulture),
            })).Append('\n');
        AtomicFile.WriteText(path, sb.ToString());
    }

    private const string VanillaColor = "#d62728", NaturalColor = "#1f77b4";

    // ---------------------------------------------------------------- kakade-twostate
    private static IReadOnlyList<string> RunTwoState(string outDir)
    {
        const string name = "kakade-twostate";
        var r = KakadeTwoStateExperiment.Run();
        var c = r.Config;
        var runs = new[] { r.Vanilla, r.Natural };
        WriteCsv(Path.Combine(outDir, name + ".csv"), "method,t,average_reward,rho_j,pi_stay_i,pi_stay_j",
            runs.SelectMany(run => run.Times.Select((t, k) => new object[] { run.Method, t, run.AverageReward[k], run.RhoJ[k], run.StayI[k], run.StayJ[k] })));
        Series Line(TwoStateRun run, double[] y) => new(run.Method + " gradient", run.Times, y) { Color = run == r.Vanilla ? VanillaColor : NaturalColor, Dashed = run == r.Vanilla };
        var fig = new Figure(
            new Panel("Average reward", "time t", "average reward η", runs.Select(run => Line(run, run.AverageReward)).ToArray())
            {
                XScale = AxisScale.Log10, XMin = c.TFirst, XMax = c.TEnd, YMin = 0.5, YMax = 2.1, Legend = LegendPlacement.BottomRight,
                ReferenceLines = [new ReferenceLine(c.EscapeReward, $"escape level η = {G(c.EscapeReward)}")],
            },
            new Panel("Stationary probability of state j", "time t", "ρ(j)", runs.Select(run => Line(run, run.RhoJ)).ToArray())
            {
                XScale = AxisScale.Log10, YScale = AxisScale.Log10, XMin = c.TFirst, XMax = c.TEnd, YMin = 1e-7, YMax = 2, Legend = LegendPlacement.BottomLeft,
            })
        { Title = "Two-state MDP (Kakade 2001): vanilla vs natural gradient flow" };
        FigureWriter.Save(fig, Path.Combine(outDir, name));
        var md = new StringBuilder();
        md.Append("# kakade-twostate\n\n");
        md.Append("Exact gradient flows on Kakade's two-state MDP (stay in i: reward 1, stay in j: reward 2, switch: 0), ");
        md.Append(CultureInfo.InvariantCulture, $"start π(stay|i) = {G(c.StayI)}, π(stay|j) = {G(c.StayJ)}, Fisher damping {G(c.FisherDamping)}. ");
        md.Append(CultureInfo.InvariantCulture, $"Escape time: first t with η ≥ {G(c.EscapeReward)} (located by bisection inside the Dormand–Prince step).\n\n");
        md.Append("| quantity | paper (Kakade 2001, Fig. 1, read from the plot) | ours |\n|---|---|---|\n");
        md.Append(CultureInfo.InvariantCulture, $"| vanilla: plateau at η ≈ 1 | lasts until t ≈ 10⁶–10⁷ | escape at t = {G(r.Vanilla.EscapeTime)} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| vanilla: smallest ρ(j) | ≈ 10⁻⁷ | {G(r.Vanilla.MinRhoJ)} (at t = {G(r.Vanilla.TimeOfMinRhoJ)}) |\n");
        md.Append(CultureInfo.InvariantCulture, $"| natural: time to η ≈ 2 | a few time units | escape at t = {G(r.Natural.EscapeTime)} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| natural: smallest ρ(j) | stays away from 0 | {G(r.Natural.MinRhoJ)} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| escape-time ratio vanilla / natural | ≈ 10⁶ (implied by the two curves) | {G(r.EscapeRatio)} |\n\n");
        md.Append(CultureInfo.InvariantCulture, $"ODE steps: vanilla {r.Vanilla.Steps}, natural {r.Natural.Steps}. Figure: `{name}.png` / `{name}.svg`; numbers: `{name}.csv`.\n");
        AtomicFile.WriteText(Path.Combine(outDir, "report.md"), md.ToString());
        return
        [
            $"vanilla: escape (η ≥ {G(c.EscapeReward)}) at t = {G(r.Vanilla.EscapeTime)}, min ρ(j) = {G(r.Vanilla.MinRhoJ)}",
            $"natural: escape (η ≥ {G(c.EscapeReward)}) at t = {G(r.Natural.EscapeTime)}, min ρ(j) = {G(r.Natural.MinRhoJ)}",
            $"escape-time ratio vanilla/natural = {G(r.EscapeRatio)}",
        ];
    }

    // ---------------------------------------------------------------- kakade-lqr
    private static readonly string[] ScalingColors = ["#1f77b4", "#ff7f0e", "#2ca02c"];

    private static IReadOnlyList<string> RunLqr(string outDir)
    {
        const string name = "kakade-lqr";
        var parameterizations = new[] { LqrParameterization.GainLogSigma, LqrParameterization.ExponentialFamily };
        var results = parameterizations.Select(p => KakadeLqrExperiment.Run(new LqrConfig(p))).ToArray();
        var c = results[0].Config;
        // The same natural flow with Kakade's per-step Fisher (trajectory Fisher / T): only its time unit differs.
        var perStep = c with { AverageFisherOverSteps = true };
        var perStepNatural = LqrConfig.DefaultScalings.Select(s => KakadeLqrExperiment.RunFlow(perStep, s, natural: true)).ToArray();
        double startCost = results[0].Vanilla[0].Cost[0];
        WriteCsv(Path.Combine(outDir, name + ".csv"), "parameterization,method,s1,s2,t,cost,gain,sigma",
            results.SelectMany(res => res.Vanilla.Concat(res.Natural)).SelectMany(run =>
                run.Times.Select((t, k) => new object[] { Describe(run, results), run.Method, run.Scaling.S1, run.Scaling.S2, t, run.Cost[k], run.Gain[k], run.Sigma[k] })));
        var panels = new List<Panel>();
        foreach (var res in results)
        {
            string param = res.Config.Parameterization == LqrParameterization.GainLogSigma ? "k = s₁θ₁, log σ = s₂θ₂" : "π ∝ exp(s₁θ₁u² + s₂θ₂xu)";
            foreach (var (method, runs) in new[] { ("vanilla", res.Vanilla), ("natural", res.Natural) })
            {
                panels.Add(new Panel($"{method} gradient, {param}", "time t", "expected cost Σ E[x(t)²]",
                    runs.Select((run, i) => new Series($"(s₁, s₂) = {run.Scaling}, cost {G(res.Config.TargetCost)} at t = {G(run.TimeToTarget)}", run.Times, run.Cost)
                    { Color = ScalingColors[i % ScalingColors.Length], Dashed = i == 1 }).ToArray())
                {
                    XScale = AxisScale.Log10, XMin = res.Config.TFirst, XMax = res.Config.TEnd,
                    YMin = KakadeLqr.MinimumCost(res.Config.Horizon) - 1, YMax = 5 * Math.Ceiling(startCost / 5 + 0.5),
                    ReferenceLines = [new ReferenceLine(res.Config.TargetCost, $"cost {G(res.Config.TargetCost)}")],
                });
            }
        }
        FigureWriter.Save(new Figure(panels) { Columns = 2, Title = "1-d LQR (Kakade 2001): cost vs time under rescaled parameters" }, Path.Combine(outDir, name));
        var md = new StringBuilder();
        md.Append("# kakade-lqr\n\n");
        md.Append(CultureInfo.InvariantCulture, $"x(t+1) = 0.7x(t) + u(t) + ε(t), ε ~ N(0,1), x(0) ~ N(0, {G(c.InitialVariance)}), u ~ N(kx, σ²), cost Σ_(t=1..{c.Horizon}) E[x(t)²] ");
        md.Append(CultureInfo.InvariantCulture, $"(infimum {G(KakadeLqr.MinimumCost(c.Horizon))}). Start policy k = {G(c.InitialGain)}, σ = {G(c.InitialSigma)} (cost {G(startCost, 4)}) for every run. ");
        md.Append(CultureInfo.InvariantCulture, $"Fisher of the trajectory distribution (sum over the {c.Horizon} steps), damping {G(c.FisherDamping)}. Time to cost {G(c.TargetCost)}:\n\n");
        md.Append("| parameterization | method | (1,1) | (1,10) | (10,1) | spread (max/min) |\n|---|---|---|---|---|---|\n");
        foreach (var res in results)
            foreach (var (method, runs) in new[] { ("vanilla", res.Vanilla), ("natural", res.Natural) })
                md.Append(CultureInfo.InvariantCulture, $"| {res.Config.Parameterization} | {method} | {string.Join(" | ", runs.Select(x => G(x.TimeToTarget)))} | {G(LqrResult.Spread(runs))} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| either | natural, per-step Fisher (÷{c.Horizon}) | {string.Join(" | ", perStepNatural.Select(x => G(x.TimeToTarget)))} | {G(LqrResult.Spread(perStepNatural))} |\n");
        md.Append("\nPaper (Kakade 2001, LQR figure; no numbers printed): the natural-gradient curves for the different scalings coincide, ");
        md.Append("the vanilla curves are spread over orders of magnitude in time, and the natural gradient reaches cost 22 much sooner. ");
        md.Append(CultureInfo.InvariantCulture, $"Ours: the natural flows coincide (invariance); the vanilla times are spread by {G(LqrResult.Spread(results[0].Vanilla))} ");
        md.Append(CultureInfo.InvariantCulture, $"and {G(LqrResult.Spread(results[1].Vanilla))} under the two readings, since from this start only the gain has to move ");
        md.Append("(s₁ = 10 scales the vanilla speed in k by s₁² = 100 under the first). The natural flow is not sooner under k = s₁θ₁, log σ = s₂θ₂: there the ");
        md.Append("trajectory Fisher is at least (T−1)·I, so natural moves every coordinate at most 1/(T−1) as fast as vanilla at (1,1), ");
        md.Append("and its gain steps shrink like σ². See docs/reproductions.md.\n");
        // The ratio natural vs vanilla under the printed exponential-family form with Kakade's per-state Fisher depends on σ₀.
        var sweepConfig = new LqrConfig(LqrParameterization.ExponentialFamily, FisherDamping: 0, AverageFisherOverSteps: true, TEnd: 1e7);
        var sweep = KakadeLqrExperiment.StartSweep(sweepConfig, LqrStartSigmas);
        md.Append(CultureInfo.InvariantCulture, $"\nExponential-family form π ∝ exp(s₁θ₁u² + s₂θ₂xu), per-state Fisher (÷{c.Horizon}), no damping, k₀ = 0, time to cost {G(c.TargetCost)} by start σ₀:\n\n");
        md.Append("| σ₀ | natural (1,1) | natural (1,10) | natural (10,1) | vanilla (1,1) | vanilla / natural |\n|---|---|---|---|---|---|\n");
        foreach (var row in sweep)
            md.Append(CultureInfo.InvariantCulture, $"| {G(row.Sigma0)} | {string.Join(" | ", row.Natural.Select(t => G(t)))} | {G(row.Vanilla)} | {G(row.Ratio)} |\n");
        md.Append(CultureInfo.InvariantCulture, $"\nLeast-squares fit over these σ₀: ratio ∝ σ₀^{G(KakadeLqrExperiment.RatioExponent(sweep))}.\n");
        AtomicFile.WriteText(Path.Combine(outDir, "report.md"), md.ToString());
        var lines = new List<string>();
        foreach (var res in results)
            foreach (var (method, runs) in new[] { ("vanilla", res.Vanilla), ("natural", res.Natural) })
                lines.Add($"{res.Config.Parameterization,-17} {method}: time to cost {G(c.TargetCost)} for (1,1),(1,10),(10,1) = {string.Join(", ", runs.Select(x => G(x.TimeToTarget)))}; spread {G(LqrResult.Spread(runs))}");
        lines.Add($"natural with per-step Fisher (÷{c.Horizon}): {string.Join(", ", perStepNatural.Select(x => G(x.TimeToTarget)))}");
        lines.AddRange(sweep.Select(row => $"exponential family, per-step Fisher, σ₀ = {G(row.Sigma0)}: natural {string.Join(", ", row.Natural.Select(t => G(t)))}; vanilla (1,1) {G(row.Vanilla)}; ratio {G(row.Ratio)}"));
        lines.Add($"ratio ∝ σ₀^{G(KakadeLqrExperiment.RatioExponent(sweep))}");
        return lines;
    }

    /// <summary>The start σ₀ of the ratio table: the issue's 0.02 and 0.015 among them.</summary>
    private static readonly double[] LqrStartSigmas = [0.1, 0.05, 0.03, 0.02, 0.015];

    private static string Describe(LqrRun run, LqrResult[] results) =>
        results.First(res => res.Vanilla.Contains(run) || res.Natural.Contains(run)).Config.Parameterization.ToString();

    // ---------------------------------------------------------------- empirical-fisher
    private static IReadOnlyList<string> RunEmpiricalFisher(string outDir)
    {
        const string name = "empirical-fisher";
        var r = EmpiricalFisherExperiment.Run();
        WriteCsv(Path.Combine(outDir, name + ".csv"), "alpha,theta0,iteration,theta_exact_fisher,theta_empirical_fisher",
            r.Runs.SelectMany(run => run.Exact.Select((x, k) => new object[] { run.StepSize, run.Theta0, k, x, run.Empirical[k] })));
        var iterations = Enumerable.Range(0, r.Config.Steps + 1).Select(k => (double)k).ToArray();
        Panel Make(string title, Func<EmpiricalFisherRun, double[]> pick) =>
            new(title, "iteration", "|θ|", r.Runs.Select((run, i) => new Series($"α = {G(run.StepSize)}, θ₀ = {G(run.Theta0)}", iterations, pick(run).Select(Math.Abs).ToArray())
            { Color = FigureWriter.Palette[i / r.Config.StartingPoints.Count % FigureWriter.Palette.Count], Dashed = i % r.Config.StartingPoints.Count == 1, Markers = true, Thickness = 1.5 }).ToArray())
            { YScale = AxisScale.Log10, YMin = 1e-16, YMax = 1e3, Legend = LegendPlacement.BottomLeft };
        FigureWriter.Save(new Figure(
            Make("exact Fisher (= 1): θ ← θ(1 − α)", run => run.Exact),
            Make("empirical Fisher (= θ²): θ ← θ − α/θ", run => run.Empirical))
        { Title = "y ~ N(θ, 1), targets 0, loss ½θ² (Martens 2020)" }, Path.Combine(outDir, name));
        const int tail = 10;
        var md = new StringBuilder();
        md.Append("# empirical-fisher (part a)\n\n");
        md.Append("Model y ~ N(θ, 1), all targets 0, loss ½θ². Exact Fisher 1 → θ ← θ(1−α); empirical Fisher θ² → θ ← θ − α/θ.\n\n");
        md.Append(CultureInfo.InvariantCulture, $"| α | θ₀ | exact: \\|θ_{r.Config.Steps}\\| | empirical: max \\|θ\\| over last {tail} | empirical floor √(α/2) |\n|---|---|---|---|---|\n");
        foreach (var run in r.Runs)
            md.Append(CultureInfo.InvariantCulture, $"| {G(run.StepSize)} | {G(run.Theta0)} | {G(Math.Abs(run.Exact[^1]))} | {G(EmpiricalFisherRun.TailMax(run.Empirical, tail))} | {G(EmpiricalFisher.EmpiricalFloor(run.StepSize))} |\n");
        md.Append("\nPaper (Martens 2020): the exact natural step converges for every α ∈ (0, 2); the empirical-Fisher step θ − α/θ never converges to 0 ");
        md.Append("(it oscillates or is thrown far out whenever θ gets near 0). Ours agrees: see the table and `" + name + ".png`.\n");
        md.Append("\nPart (b) (NPG on CartPole with the empirical vs the exact Fisher): `natpolicy reproduce empirical-fisher-cartpole`.\n");
        AtomicFile.WriteText(Path.Combine(outDir, "report.md"), md.ToString());
        return r.Runs.Select(run => $"α = {G(run.StepSize)}, θ₀ = {G(run.Theta0)}: exact |θ_{r.Config.Steps}| = {G(Math.Abs(run.Exact[^1]))}, empirical tail max |θ| = {G(EmpiricalFisherRun.TailMax(run.Empirical, tail))}").ToList();
    }

    // ---------------------------------------------------------------- training-curve helpers (invariance, empirical-fisher-cartpole)
    private static IEnumerable<object[]> CurveRows(string[] prefix, SeedCurve curve) =>
        curve.EnvSteps.Select((steps, i) => prefix.Cast<object>().Concat([i + 1, (double)steps, curve.Returns[i]]).ToArray());

    /// <summary>The mean over seeds with its 95% bootstrap band, as a plot series.</summary>
    private static Series MeanSeries(string label, IReadOnlyList<SeedCurve> seeds, string color, bool dashed = false)
    {
        var m = MeanCurve.Compute(label, seeds);
        return new Series(label, m.EnvSteps, m.Mean) { Lower = m.Low, Upper = m.High, Color = color, Dashed = dashed };
    }

    /// <summary>An env-step count (or a spread of them) rounded to a whole number; ∞ for never, "–" for NaN.</summary>
    private static string Steps(double steps) =>
        double.IsNaN(steps) ? "–" : double.IsFinite(steps) ? Math.Round(steps).ToString("F0", CultureInfo.InvariantCulture) : "∞";

    // ---------------------------------------------------------------- invariance
    private static IReadOnlyList<string> RunInvariance(string outDir)
    {
        const string name = "invariance";
        var r = InvarianceExperiment.Run();
        var c = r.Config;
        WriteCsv(Path.Combine(outDir, name + ".csv"), "variant,algo,scale,seed,iteration,env_steps,return_mean",
            r.Cells.SelectMany(cell => cell.Seeds.SelectMany((curve, seed) =>
                CurveRows([cell.Variant.Name, cell.Variant.Algo, Fmt.G(cell.Scale), seed.ToString(CultureInfo.InvariantCulture)], curve))));
        WriteCsv(Path.Combine(outDir, name + "-first-step.csv"),
            "scale,seed,states,npg_max_prob_gap,vpg_max_prob_gap,npg_max_prob_change,vpg_max_prob_change,npg_kl,vpg_kl",
            r.FirstStep.Select(f => new object[] { f.Scale, (int)f.Seed, f.States, f.NaturalGap, f.VanillaGap, f.NaturalChange, f.VanillaChange, f.NaturalKl, f.VanillaKl }));
        var panels = c.VariantList.Select(v => new Panel(v.Description, "env steps", $"return (mean of {c.Seeds} seeds, 95% band)",
            c.ScaleList.Select((scale, i) => MeanSeries($"c = {G(scale)}", r.Cell(v.Name, scale).Seeds, ScalingColors[i % ScalingColors.Length], dashed: i == 1)).ToArray())
        {
            YMin = 0, YMax = 520, Legend = LegendPlacement.BottomRight,
            ReferenceLines = [new ReferenceLine(c.Threshold, $"{G(c.Threshold)}")],
        }).ToArray();
        FigureWriter.Save(new Figure(panels) { Columns = 2, Title = "CartPole-v1, linear softmax on rescaled features s' = A s (no observation normalisation)" }, Path.Combine(outDir, name));

        var md = new StringBuilder();
        md.Append("# invariance\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{c.EnvId}, linear softmax policy on s' = A s over (x, ẋ, θ, θ̇), the `train` defaults of each algorithm ");
        md.Append(CultureInfo.InvariantCulture, $"({G(r.Cells[0].Seeds[0].EnvSteps[^1])} env steps) with normalize_observations = false; seeds 0–{c.Seeds - 1} for every cell. ");
        md.Append(CultureInfo.InvariantCulture, $"Steps to {G(c.Threshold)}: env steps at the first iteration whose mean episode return ≥ {G(c.Threshold)} (∞: never; the median counts ∞ as largest). ");
        md.Append("Final return: mean over the last 10% of iterations, then over seeds.\n\n");
        int iterations = r.Cells[0].Seeds[0].Returns.Length;
        md.Append(CultureInfo.InvariantCulture, $"| variant | setting | scale c | median steps to threshold | reached | final return (mean ± sd over seeds) | iterations identical to c = 1 (per seed, of {iterations}) |\n|---|---|---|---|---|---|---|\n");
        foreach (var cell in r.Cells)
            md.Append(CultureInfo.InvariantCulture, $"| {cell.Variant.Name} | {cell.Variant.Description} | {G(cell.Scale)} | {Steps(cell.Summary.MedianSteps)} | {cell.Summary.StepsToThreshold.Count(double.IsFinite)}/{c.Seeds} | {G(cell.Summary.MeanFinalReturn)} ± {G(cell.Summary.StdFinalReturn, 2)} | {string.Join(", ", r.IdenticalIterations(cell.Variant.Name, cell.Scale))} |\n");
        md.Append('\n');
        foreach (var v in c.VariantList)
            md.Append(CultureInfo.InvariantCulture, $"Spread of the median over scales (max/min), {v.Name}: {(double.IsFinite(r.Spread(v.Name)) ? G(r.Spread(v.Name)) : "∞")}.\n");
        md.Append(CultureInfo.InvariantCulture, $"\nFirst update from θ = 0 on the same batch (seed {r.FirstStep[0].Seed}, {r.FirstStep[0].States} states), A = diag{InvarianceConfig.FirstStepNatural.Pattern}: ");
        md.Append(CultureInfo.InvariantCulture, $"{InvarianceConfig.FirstStepNatural.Description} vs {InvarianceConfig.FirstStepVanilla.Description}. ");
        md.Append("Gap = max over the batch's states and actions of |π_c(a|s) − π_1(a|s)| after the update; change = max |π_after − π_before|:\n\n");
        md.Append("| scale c | npg gap | npg change | npg KL | vpg gap | vpg change | vpg KL |\n|---|---|---|---|---|---|---|\n");
        foreach (var f in r.FirstStep)
            md.Append(CultureInfo.InvariantCulture, $"| {G(f.Scale)} | {G(f.NaturalGap, 2)} | {G(f.NaturalChange)} | {G(f.NaturalKl)} | {G(f.VanillaGap, 2)} | {G(f.VanillaChange)} | {G(f.VanillaKl)} |\n");
        md.Append("\nPaper (Amari 1998; Kakade 2002; Martens 2020): the natural gradient is the steepest-ascent direction in the KL metric, so it ");
        md.Append("depends on the policy family and not on its coordinates (invariant to smooth invertible reparameterisation); the vanilla gradient is not. ");
        md.Append("No numbers are given for this setting. See docs/reproductions.md for the reading.\n");

        // Adaptive damping: the downscaled variant (a feature shrunk by c) with λ fixed at 1e-4 and with Levenberg–Marquardt.
        var rescue = InvarianceExperiment.Run(new InvarianceConfig(Scales: [1, 100], Variants: InvarianceConfig.RescueVariants, Seeds: RescueSeeds));
        md.Append(CultureInfo.InvariantCulture, $"\nAdaptive damping, {RescueSeeds} seeds, A = diag{InvarianceConfig.RescueVariants[0].Pattern}:\n\n");
        int rescueIterations = rescue.Cells[0].Seeds[0].Returns.Length;
        md.Append(CultureInfo.InvariantCulture, $"| variant | setting | scale c | median steps to threshold | reached | final return (mean ± sd over seeds) | iterations identical to c = 1 (per seed, of {rescueIterations}) |\n|---|---|---|---|---|---|---|\n");
        foreach (var cell in rescue.Cells)
            md.Append(CultureInfo.InvariantCulture, $"| {cell.Variant.Name} | {cell.Variant.Description} | {G(cell.Scale)} | {Steps(cell.Summary.MedianSteps)} | {cell.Summary.StepsToThreshold.Count(double.IsFinite)}/{RescueSeeds} | {G(cell.Summary.MeanFinalReturn)} ± {G(cell.Summary.StdFinalReturn, 2)} | {string.Join(", ", rescue.IdenticalIterations(cell.Variant.Name, cell.Scale))} |\n");

        AtomicFile.WriteText(Path.Combine(outDir, "report.md"), md.ToString());

        var lines = r.Cells.Select(cell =>
            $"{cell.Variant.Name,-14} c = {G(cell.Scale),-4}: median steps to {G(c.Threshold)} = {Steps(cell.Summary.MedianSteps)} ({cell.Summary.StepsToThreshold.Count(double.IsFinite)}/{c.Seeds} reached), final return {G(cell.Summary.MeanFinalReturn)}, iterations identical to c = 1: {string.Join(" ", r.IdenticalIterations(cell.Variant.Name, cell.Scale))}").ToList();
        lines.AddRange(r.FirstStep.Select(f =>
            $"first update c = {G(f.Scale),-4}: npg (λ = 0) max |Δπ| vs c = 1: {G(f.NaturalGap, 2)} (the update moved π by {G(f.NaturalChange)}); vpg: {G(f.VanillaGap, 2)}"));
        lines.AddRange(rescue.Cells.Select(cell =>
            $"{cell.Variant.Name,-18} c = {G(cell.Scale),-4}: median steps to {G(c.Threshold)} = {Steps(cell.Summary.MedianSteps)} ({cell.Summary.StepsToThreshold.Count(double.IsFinite)}/{RescueSeeds} reached), final return {G(cell.Summary.MeanFinalReturn)}"));
        return lines;
    }

    /// <summary>Seeds of the adaptive-damping rescue table.</summary>
    private const int RescueSeeds = 10;

    // ---------------------------------------------------------------- gaussian-metric
    private static readonly bool[] BothGradients = [true, false];

    private static IReadOnlyList<string> RunGaussianMetric(string outDir)
    {
        const string name = "gaussian-metric";
        const double m0 = 2, v0 = 4, m = 0, v = 1, step = 0.1;
        const int steps = 60;
        var pairs = GaussianMetric.PaperPairs();
        var coordinates = Enum.GetValues<GaussianCoordinates>();
        var paths = BothGradients.SelectMany(natural => coordinates.Select(c => GaussianMetric.Path(c, natural, step, steps, m0, v0, m, v))).ToArray();
        WriteCsv(Path.Combine(outDir, name + ".csv"), "coordinates,gradient,step,iteration,mean,variance",
            paths.SelectMany(path => path.Means.Select((mu, k) => new object[] { path.Coordinates.ToString(), path.Natural ? "natural" : "vanilla", path.Step, k, mu, path.Variances[k] })));
        string[] colors = ["#1f77b4", "#ff7f0e", "#2ca02c"];
        Panel PathPanel(bool natural) => new($"{(natural ? "natural" : "vanilla")} gradient, step {G(step)}, {steps} steps", "mean μ", "variance v",
            paths.Where(p => p.Natural == natural).Select((p, i) => new Series($"{p.Coordinates} ({p.Means.Length - 1} steps)", p.Means, p.Variances)
            { Color = colors[i], Dashed = i == 1, Markers = true, Thickness = 1.5 }).ToArray())
        { XMin = -0.5, XMax = 2.5, YMin = 0, YMax = 4.5, Legend = LegendPlacement.TopLeft };
        FigureWriter.Save(new Figure(PathPanel(true), PathPanel(false))
        { Title = $"Fitting q = N(μ, v) to p = N({G(m)}, {G(v)}) by minimising KL(q ‖ p) from N({G(m0)}, {G(v0)})" }, Path.Combine(outDir, name));

        double[] steps1 = [0.1, 0.05, 0.025];
        var oneStep = steps1.Select(r => (Step: r, Natural: GaussianMetric.OneStepSpread(true, r, m0, v0, m, v), Vanilla: GaussianMetric.OneStepSpread(false, r, m0, v0, m, v))).ToArray();
        var (e1, e2) = GaussianMetric.ToCoordinates(GaussianCoordinates.Natural, m0, v0);
        var (n1, n2) = GaussianMetric.Step(GaussianCoordinates.Natural, true, 1, e1, e2, m, v);
        var exact = GaussianMetric.FromCoordinates(GaussianCoordinates.Natural, n1, n2);

        var md = new StringBuilder();
        md.Append("# gaussian-metric\n\n");
        md.Append("Distances between the paper's pairs (read as N(mean, variance)); KL in nats, the same in every parameterisation:\n\n");
        md.Append("| pair | Euclidean in (μ, v) | Euclidean in (μ, 1/v) | KL(1 ‖ 2) | KL(2 ‖ 1) |\n|---|---|---|---|---|\n");
        foreach (var pr in pairs)
            md.Append(CultureInfo.InvariantCulture, $"| N({G(pr.Mean1)}, {G(pr.Variance1, 5)}) vs N({G(pr.Mean2)}, {G(pr.Variance2, 5)}) | {G(pr.EuclideanMeanVariance)} | {G(pr.EuclideanMeanPrecision)} | {G(pr.Kl12)} | {G(pr.Kl21)} |\n");
        md.Append(CultureInfo.InvariantCulture, $"\nFitting N(μ, v) to N({G(m)}, {G(v)}) by minimising KL(q ‖ p) from N({G(m0)}, {G(v0)}), step ρ = {G(step)}: paths in `{name}.png`. ");
        md.Append("One step from the start in each of the three coordinate systems (mean–variance, mean–precision, natural parameters); spread = largest KL between the three results:\n\n");
        md.Append("| ρ | natural: spread | vanilla: spread |\n|---|---|---|\n");
        foreach (var o in oneStep)
            md.Append(CultureInfo.InvariantCulture, $"| {G(o.Step)} | {G(o.Natural, 3)} | {G(o.Vanilla, 3)} |\n");
        md.Append(CultureInfo.InvariantCulture, $"\nOne natural step with ρ = 1 in natural parameters from N({G(m0)}, {G(v0)}): N({G(exact.Mean, 15)}, {G(exact.Variance, 15)}), the target exactly.\n");
        AtomicFile.WriteText(Path.Combine(outDir, "report.md"), md.ToString());
        var lines = pairs.Select(pr => $"N({G(pr.Mean1)}, {G(pr.Variance1, 5)}) vs N({G(pr.Mean2)}, {G(pr.Variance2, 5)}): Euclidean (μ,v) {G(pr.EuclideanMeanVariance)}, (μ,1/v) {G(pr.EuclideanMeanPrecision)}; KL {G(pr.Kl12)} / {G(pr.Kl21)}").ToList();
        lines.AddRange(oneStep.Select(o => $"one step ρ = {G(o.Step)}: KL spread across coordinates, natural {G(o.Natural)}, vanilla {G(o.Vanilla)}"));
        lines.AddRange(paths.Select(p => $"{(p.Natural ? "natural" : "vanilla")} {p.Coordinates}: {p.Means.Length - 1} steps, end N({G(p.Means[^1])}, {G(p.Variances[^1])})"));
        lines.Add($"natural step ρ = 1 in natural parameters: N({G(exact.Mean, 15)}, {G(exact.Variance, 15)})");
        return lines;
    }

    // ---------------------------------------------------------------- invariance-lockstep
    private static IReadOnlyList<string> RunInvarianceLockstep(string outDir)
    {
        const string name = "invariance-lockstep";
        var md = new StringBuilder();
        md.Append("# invariance-lockstep\n\n");
        var lockConfig = new LockstepConfig();
        var lockCells = InvarianceLockstep.RunDefault(lockConfig);
        WriteCsv(Path.Combine(outDir, name + ".csv"), "rule,matrix,seed,iteration,max_prob_gap,kl,max_prob_change",
            lockCells.SelectMany(cell => cell.Gaps.SelectMany((gaps, seed) => gaps.Select((gap, it) =>
                new object[] { cell.Rule.Name, cell.A.Name, seed, it + 1, gap, cell.Kls[seed][it], cell.Moves[seed][it] }))));
        var iterations = Enumerable.Range(1, lockConfig.Iterations).Select(i => (double)i).ToArray();
        Panel GapPanel(string title, IEnumerable<LockstepCell> cells) => new(title, "iteration", "median over seeds of max |π − π_A| (floored at 1e-17)",
            cells.Select((cell, i) => new Series($"{cell.Rule.Name}, {cell.A.Name}", iterations,
                iterations.Select((_, it) => Math.Max(1e-17, Statistics.Median(cell.Gaps.Select(g => g[it]).ToArray()))).ToArray())
            { Color = FigureWriter.Palette[i % FigureWriter.Palette.Count], Markers = true, Thickness = 1.5 }).ToArray())
        { YScale = AxisScale.Log10, YMin = 1e-17, YMax = 1, Legend = LegendPlacement.BottomRight };
        FigureWriter.Save(new Figure(
            GapPanel("npg (λ = 0) vs the controls", lockCells.Where(c => c.Rule.Control != "sinh" && (c.Rule.Control is not null || c.Rule.Damping == 0))),
            GapPanel("npg under the dense A: damping sweep", lockCells.Where(c => c.Rule.Control is null && c.A.Name.StartsWith("dense", StringComparison.Ordinal))),
            GapPanel("npg in θ vs in φ, θ = sinh(φ + 1) − sinh 1", lockCells.Where(c => c.Rule.Control == "sinh")))
        { Columns = 3, Title = "Lockstep policy gap on CartPole-v1 (same batch, update in both coordinate systems)" }, Path.Combine(outDir, name));
        md.Append(CultureInfo.InvariantCulture, $"CartPole-v1, linear softmax policy; lockstep policy gap, {lockConfig.Seeds} seeds × {lockConfig.Iterations} iterations (2000 steps each, no baseline, no normalisation): ");
        md.Append("each iteration the policy in s' = A s is set to the reference policy, both collect the same batch and update; gap = max over the batch's states and actions of |π − π_A| ");
        md.Append("(median and max over seeds and iterations), KL = mean over the batch of KL(π ‖ π_A) (max), move = median of the reference update's max |Δπ|. ");
        md.Append("The vanilla and diagonal-Fisher controls use npg's normalised step with their own direction (s = g, s = diag(F)⁻¹g).\n\n");
        md.Append("| rule | A | median gap | max gap | max KL | median move |\n|---|---|---|---|---|---|\n");
        foreach (var cell in lockCells)
            md.Append(CultureInfo.InvariantCulture, $"| {cell.Rule.Name} | {cell.A.Name} | {G(cell.MedianGap, 2)} | {G(cell.MaxGap, 2)} | {G(cell.MaxKl, 2)} | {G(cell.MedianMove)} |\n");
        md.Append("\nThe sinh rows: the reference takes npg (λ = 0) in θ, the other trainer the same rule in φ with θ = sinh(φ + 1) − sinh(1) elementwise; ");
        md.Append("each δ is a quarter of the last (α halves), so a gap shrinking 4× per row is second order in the step. See docs/reproductions.md.\n");
        AtomicFile.WriteText(Path.Combine(outDir, "report.md"), md.ToString());
        return lockCells.Select(cell =>
            $"{cell.Rule.Name,-22} {cell.A.Name,-24}: gap median {G(cell.MedianGap, 2)}, max {G(cell.MaxGap, 2)}; max KL {G(cell.MaxKl, 2)}; move {G(cell.MedianMove)}").ToList();
    }

    // ---------------------------------------------------------------- empirical-fisher-cartpole
    private static IReadOnlyList<string> RunEmpiricalFisherCartPole(string outDir)
    {
        const string name = "empirical-fisher-cartpole";
        var r = EmpiricalFisherCartPoleExperiment.Run();
        var c = r.Config;
        var arms = new[] { r.Exact, r.Empirical };
        WriteCsv(Path.Combine(outDir, name + ".csv"), "fisher,seed,iteration,env_steps,return_mean",
            arms.SelectMany(arm => arm.Seeds.SelectMany((curve, seed) => CurveRows([arm.Fisher, seed.ToString(CultureInfo.InvariantCulture)], curve))));
        string Color(FisherArm arm) => arm == r.Exact ? NaturalColor : VanillaColor;
        var perSeed = arms.SelectMany(arm => arm.Seeds.Select((curve, i) =>
            new Series(i == 0 ? arm.Fisher + " Fisher (one line per seed)" : null, curve.EnvSteps.Select(x => (double)x).ToArray(), curve.Returns)
            { Color = Color(arm), Thickness = 1, Dashed = arm == r.Empirical })).ToArray();
        FigureWriter.Save(new Figure(
            new Panel($"mean of {c.Seeds} seeds (95% bootstrap band)", "env steps", "return (per iteration)",
                arms.Select(arm => MeanSeries(arm.Fisher + " Fisher", arm.Seeds, Color(arm), dashed: arm == r.Empirical)).ToArray())
            { YMin = 0, YMax = 520, Legend = LegendPlacement.BottomRight, ReferenceLines = [new ReferenceLine(c.Threshold, $"threshold {G(c.Threshold)}")] },
            new Panel("every seed", "env steps", "return (per iteration)", perSeed)
            { YMin = 0, YMax = 520, Legend = LegendPlacement.BottomRight, ReferenceLines = [new ReferenceLine(c.Threshold)] })
        { Title = $"{c.EnvId}, NPG (defaults): exact-expectation vs empirical (sampled-action) Fisher" }, Path.Combine(outDir, name));

        var md = new StringBuilder();
        md.Append("# empirical-fisher (part b): CartPole\n\n");
        md.Append(CultureInfo.InvariantCulture, $"NPG with the `train` defaults on {c.EnvId} (linear softmax, observation normalisation on, δ = {G(((NatPolicy.Agents.Training.NpgConfig)c.Training("exact", 0).Algo).MaxKl)}, ");
        md.Append(CultureInfo.InvariantCulture, $"damping {G(((NatPolicy.Agents.Training.NpgConfig)c.Training("exact", 0).Algo).Damping)}, Cholesky), fisher = exact (E_a~π[s sᵀ] per state) vs fisher = empirical ((1/N) Σ sᵢsᵢᵀ at the sampled actions), ");
        md.Append(CultureInfo.InvariantCulture, $"seeds 0–{c.Seeds - 1} for both. Steps to {G(c.Threshold)}: first iteration with mean episode return ≥ {G(c.Threshold)} (∞: never).\n\n");
        md.Append("| Fisher | median steps | reached | sd of steps (reached seeds) | IQR of steps | final return mean | final return sd |\n|---|---|---|---|---|---|---|\n");
        foreach (var arm in arms)
        {
            var s = arm.Summary;
            md.Append(CultureInfo.InvariantCulture, $"| {arm.Fisher} | {Steps(s.MedianSteps)} | {s.StepsToThreshold.Count(double.IsFinite)}/{c.Seeds} | {Steps(s.StdStepsReached)} | {Steps(s.IqrSteps)} | {G(s.MeanFinalReturn)} | {G(s.StdFinalReturn)} |\n");
        }
        md.Append("\nSteps to threshold per seed:\n\n");
        foreach (var arm in arms) md.Append(CultureInfo.InvariantCulture, $"* {arm.Fisher}: {string.Join(", ", arm.Summary.StepsToThreshold.Select(Steps))}\n");
        md.Append("\nPaper (Martens 2020 §11): the empirical Fisher (scores at the observed targets) is not the Fisher: it matches it only where ");
        md.Append("the model fits the data, and preconditioning with it can distort the step; no numbers for this setting. Here the targets are ");
        md.Append("actions sampled from the policy itself, so F̂ is an unbiased Monte Carlo estimate of F and only its sampling noise differs. ");
        md.Append("See docs/reproductions.md for the reading.\n");
        AtomicFile.WriteText(Path.Combine(outDir, "report.md"), md.ToString());
        return arms.Select(arm =>
            $"{arm.Fisher,-9} Fisher: median steps to {G(c.Threshold)} = {Steps(arm.Summary.MedianSteps)} ({arm.Summary.StepsToThreshold.Count(double.IsFinite)}/{c.Seeds} reached), sd (reached) {Steps(arm.Summary.StdStepsReached)}, final return {G(arm.Summary.MeanFinalReturn)} ± {G(arm.Summary.StdFinalReturn)}").ToList();
    }

    // ---------------------------------------------------------------- kfac, nac (threshold races)
    /// <summary>Writes a threshold race's CSV, figure and report.md (heading, <paramref name="setup"/>, the table, <paramref name="paper"/>); returns the lines to print.</summary>
    private static IReadOnlyList<string> WriteRace(string outDir, string name, string title, IReadOnlyList<RaceArmResult> arms, double threshold, string setup, string paper)
    {
        WriteCsv(Path.Combine(outDir, name + ".csv"), "arm,seed,iteration,env_steps,return_mean,iteration_seconds,update_seconds",
            arms.SelectMany(arm => arm.Runs.SelectMany((run, seed) => run.Curve.EnvSteps.Select((steps, i) => new object[]
                { arm.Label, seed, i + 1, (double)steps, run.Curve.Returns[i], run.IterationSeconds[i], run.UpdateSeconds[i] }))));
        var curves = arms.SelectMany((arm, a) => arm.Runs.Select((run, i) =>
            new Series(i == 0 ? arm.Label + " (one line per seed)" : null, run.Curve.EnvSteps.Select(x => (double)x).ToArray(), run.Curve.Returns)
            { Color = FigureWriter.Palette[a % FigureWriter.Palette.Count], Thickness = 1, Dashed = a == 1 })).ToArray();
        var times = arms.SelectMany((arm, a) => arm.Runs.Select((run, i) =>
            new Series(i == 0 ? arm.Label : null, run.Curve.EnvSteps.Select(x => (double)x).ToArray(), run.UpdateSeconds)
            { Color = FigureWriter.Palette[a % FigureWriter.Palette.Count], Thickness = 1, Markers = true, Dashed = a == 1 })).ToArray();
        FigureWriter.Save(new Figure(
            new Panel($"every seed, stopped at its first return ≥ {G(threshold)}", "env steps", "return (per iteration)", curves)
            { YMin = 0, YMax = 520, Legend = LegendPlacement.TopLeft, ReferenceLines = [new ReferenceLine(threshold, G(threshold))] },
            new Panel("update phase per iteration", "env steps", "seconds", times) { YMin = 0, Legend = LegendPlacement.TopLeft })
        { Title = title }, Path.Combine(outDir, name));
        var md = new StringBuilder().Append("# ").Append(name).Append("\n\n").Append(setup).Append("\n\n").Append(RaceHeader);
        foreach (var arm in arms) md.Append(RaceRow(arm)).Append('\n');
        md.Append("\nPaper ").Append(paper).Append('\n');
        AtomicFile.WriteText(Path.Combine(outDir, "report.md"), md.ToString());
        return arms.Select(arm => RaceLine(arm, threshold)).ToList();
    }

    private static string RaceRow(RaceArmResult arm) =>
        $"| {arm.Label} | {arm.Summary.StepsToThreshold.Count(double.IsFinite)}/{arm.Runs.Count} | {Steps(arm.Summary.MedianSteps)} | " +
        $"{string.Join(", ", arm.Summary.StepsToThreshold.Select(Steps))} | {G(arm.MedianUpdateSeconds)} | {G(arm.MedianIterationSeconds)} |";

    private const string RaceHeader = "| arm | reached | median env steps to threshold | per seed | update s / iteration (median) | s / iteration (median) |\n|---|---|---|---|---|---|\n";

    private static string RaceLine(RaceArmResult arm, double threshold) =>
        $"{arm.Label,-20}: median env steps to {G(threshold)} = {Steps(arm.Summary.MedianSteps)} ({arm.Summary.StepsToThreshold.Count(double.IsFinite)}/{arm.Runs.Count} reached); " +
        $"median s per update {G(arm.MedianUpdateSeconds)}, per iteration {G(arm.MedianIterationSeconds)}";

    private static IReadOnlyList<string> RunKfac(string outDir) => KfacReport(outDir, new KfacCartPoleConfig());

    /// <summary>The kfac reproduction under a given config (tests use a tiny one).</summary>
    public static IReadOnlyList<string> KfacReport(string outDir, KfacCartPoleConfig c)
    {
        var r = KfacCartPoleExperiment.Run(c);
        string mlp = string.Join("×", c.Hidden);
        return WriteRace(outDir, "kfac", $"{KfacCartPoleConfig.EnvId}, MLP {mlp}: K-FAC npg vs CG trpo" + (c.IncludeVpg ? " vs vpg" : ""), r.Arms, c.Threshold,
            $"{KfacCartPoleConfig.EnvId}, tanh MLP {mlp} policy, the `train` defaults except: noise shrinkage off for npg and trpo, K-FAC damping {G(c.KfacDamping)}. " +
            $"Seeds 0–{(c.Seeds - 1).ToString(CultureInfo.InvariantCulture)}; each run stops at its first iteration with mean return ≥ {G(c.Threshold)} or at {c.MaxSteps.ToString(CultureInfo.InvariantCulture)} env steps (∞: never). " +
            $"Runs queued alternating arms, {c.MaxParallelism.ToString(CultureInfo.InvariantCulture)} at a time in one process; times are wall-clock medians over all iterations of all seeds.",
            "(Martens & Grosse 2015; Wu et al. 2017): K-FAC approximates the natural step at a fraction of an exact or CG solve's cost; " +
            "neither reports numbers for CartPole with a 64×64 policy, so the comparison here is against our own CG trpo. See docs/reproductions.md.");
    }

    private static IReadOnlyList<string> RunNac(string outDir) => NacReport(outDir, new NacCartPoleConfig());

    /// <summary>The nac reproduction under a given config (tests use a tiny one).</summary>
    public static IReadOnlyList<string> NacReport(string outDir, NacCartPoleConfig c)
    {
        var r = NacCartPoleExperiment.Run(c);
        return WriteRace(outDir, "nac", $"{NacCartPoleConfig.EnvId}, linear softmax: episodic natural actor-critic vs npg", r.Arms, c.Threshold,
            $"{NacCartPoleConfig.EnvId}, linear softmax policy, the `train` defaults (npg: noise shrinkage off). Seeds 0–{(c.Seeds - 1).ToString(CultureInfo.InvariantCulture)}; " +
            $"each run stops at its first iteration with mean return ≥ {G(c.Threshold)} or at {c.MaxSteps.ToString(CultureInfo.InvariantCulture)} env steps (∞: never).",
            "(Peters & Schaal 2008): their cart-pole numbers could not be retrieved with the search tools available; CartPole-v1 " +
            "(two discrete forces, reward 1 per step, 500-step limit) is not their task. See docs/reproductions.md for what was searched.");
    }
}
