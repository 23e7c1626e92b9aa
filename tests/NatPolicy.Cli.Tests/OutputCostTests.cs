namespace NatPolicy.Cli.Tests;

/// <summary>
/// What train and compare write beside the training stays small: every SVG at most 150 KB for a default-sized curve
/// (50 logged iterations, as 100,000 steps of 2,000 give), and --no-plots leaves out the per-run figures only.
/// </summary>
[Trait("Category", "Env")]
public sealed class OutputCostTests : IDisposable
{
    private const long MaxSvgBytes = 150_000;

    private readonly string _root = Directory.CreateTempSubdirectory("natpolicy-output-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>50 iterations of 200 steps: the points of a default 100,000-step run at a fraction of its cost.</summary>
    private static readonly string[] DefaultShape = ["--batch", "200", "--steps", "10000"];

    private static void AssertSmallSvg(string path)
    {
        long size = new FileInfo(path).Length;
        Assert.True(size is > 1_000 and <= MaxSvgBytes, $"{path} is {size} bytes");
    }

    [Fact]
    public async Task The_warm_up_runs_for_training_verbs_only_and_its_work_succeeds()
    {
        var root = Cli.Root(TextWriter.Null);
        Assert.True(WarmUp.Start(root.Parse(["evaluate", "--policy", "p.json"])).IsCompleted);
        Assert.True(WarmUp.Start(root.Parse(["train", "--help"])).IsCompleted);
        await WarmUp.Start(root.Parse(["train", "--env", "Pendulum-v1", "--algo", "trpo"])).WaitAsync(TimeSpan.FromMinutes(2));
        // What Start swallows must not happen: the same work, unguarded, for a discrete and a Gaussian run.
        WarmUp.Run("CartPole-v1", "trpo", figures: true);
        WarmUp.Run("Pendulum-v1", "npg", figures: false);
    }

    [Fact]
    public void A_default_train_and_compare_write_svgs_of_at_most_150KB()
    {
        string run = Path.Combine(_root, "run");
        var r = InProcess.Natpolicy(["train", "--env", "CartPole-v1", "--algo", "npg", "--out", run, "--quiet", .. DefaultShape]);
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(51, File.ReadAllLines(Path.Combine(run, "progress.csv")).Length);
        AssertSmallSvg(Path.Combine(run, "learning_curve.svg"));

        string cmp = Path.Combine(_root, "cmp");
        r = InProcess.Natpolicy(["compare", "--env", "CartPole-v1", "--out", cmp, "--quiet", "--eval-episodes", "1", .. DefaultShape]);
        Assert.True(r.Code == 0, r.Err);
        AssertSmallSvg(Path.Combine(cmp, "learning_curves.svg"));
        var cells = Directory.GetFiles(cmp, "learning_curve.svg", SearchOption.AllDirectories);
        Assert.Equal(15, cells.Length); // vpg, npg, trpo × 5 seeds, the defaults
        foreach (var svg in cells) AssertSmallSvg(svg);
    }

    [Fact]
    public void No_plots_skips_the_per_run_figures_but_not_the_comparisons()
    {
        string run = Path.Combine(_root, "run");
        var r = InProcess.Natpolicy("train", "--env", "CartPole-v1", "--algo", "npg", "--steps", "2000", "--out", run, "--no-plots");
        Assert.True(r.Code == 0, r.Err);
        Assert.True(File.Exists(Path.Combine(run, "policy.json")));
        Assert.Empty(Directory.GetFiles(run, "learning_curve.*"));
        Assert.DoesNotContain("learning_curve", r.Out, StringComparison.Ordinal);

        string cmp = Path.Combine(_root, "cmp");
        r = InProcess.Natpolicy("compare", "--env", "CartPole-v1", "--algos", "npg", "--seeds", "2", "--steps", "2000", "--eval-episodes", "1", "--out", cmp, "--quiet", "--no-plots");
        Assert.True(r.Code == 0, r.Err);
        Assert.True(File.Exists(Path.Combine(cmp, "learning_curves.svg")) && File.Exists(Path.Combine(cmp, "learning_curves.png")));
        Assert.Empty(Directory.GetFiles(cmp, "learning_curve.*", SearchOption.AllDirectories));
    }
}
