using NatPolicy.Cli.Plotting;

namespace NatPolicy.Cli.Tests;

[Trait("Category", "Math")]
public sealed class PlottingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "natpolicy-plot-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static Panel SamplePanel(AxisScale x, AxisScale y)
    {
        double[] xs = Enumerable.Range(0, 50).Select(i => Math.Pow(10, i / 10.0)).ToArray();
        double[] ys = xs.Select(v => 1 + Math.Log10(v)).ToArray();
        return new Panel("learning curve", "step", "return",
        [
            new Series("mean", xs, ys) { Lower = ys.Select(v => v - 0.3).ToArray(), Upper = ys.Select(v => v + 0.3).ToArray() },
            new Series("baseline", xs, ys.Select(v => v / 2).ToArray()) { Dashed = true, Color = "#000000" },
        ])
        { XScale = x, YScale = y, ReferenceLines = [new ReferenceLine(4.5, "threshold")] };
    }

    [Fact]
    public void SaveWritesValidPngAndSvgOfTheExpectedSize()
    {
        var fig = new Figure(SamplePanel(AxisScale.Log10, AxisScale.Linear), SamplePanel(AxisScale.Linear, AxisScale.Log10)) { Title = "two panels" };
        var (png, svg) = FigureWriter.Save(fig, Path.Combine(_dir, "sub", "fig"));
        byte[] bytes = File.ReadAllBytes(png);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        // IHDR width/height (big-endian) at offsets 16 and 20.
        int width = (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19];
        int height = (bytes[20] << 24) | (bytes[21] << 16) | (bytes[22] << 8) | bytes[23];
        var layout = FigureWriter.Layout(fig);
        Assert.Equal(layout.Width, width);
        Assert.Equal(layout.Height, height);
        Assert.Equal(2 * 700, width);
        string text = File.ReadAllText(svg);
        Assert.Contains("<svg", text, StringComparison.Ordinal);
        Assert.EndsWith("</svg>", text.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void ALinearGridFigureWritesASmallSvg()
    {
        // A dotted minor grid used to be written as thousands of tiny squares (1.2–1.6 MB per figure).
        var (_, svg) = FigureWriter.Save(new Figure(SamplePanel(AxisScale.Linear, AxisScale.Linear)), Path.Combine(_dir, "small"));
        long size = new FileInfo(svg).Length;
        Assert.True(size <= 150_000, $"{svg} is {size} bytes");
    }

    [Fact]
    public void AFigureWithManyPointsIsThinnedToStayUnder150KB()
    {
        // Six panels of ten noisy 2,000-point curves (three with bands): 150,000 points before thinning, 150 KB at most after.
        var rng = new Random(3);
        double[] xs = Enumerable.Range(0, 2_000).Select(i => (double)i).ToArray();
        Panel Noisy(int k) => new($"panel {k}", "iteration", "value", Enumerable.Range(0, 10).Select(j =>
        {
            double[] ys = xs.Select(_ => rng.NextDouble() + j).ToArray();
            return new Series(j < 3 ? $"series {j}" : null, xs, ys) { Lower = j < 3 ? ys.Select(v => v - 0.2).ToArray() : null, Upper = j < 3 ? ys.Select(v => v + 0.2).ToArray() : null };
        }).ToArray()) { Legend = LegendPlacement.OutsideBottom };
        var sheet = new Figure(Enumerable.Range(0, 6).Select(Noisy).ToArray()) { Columns = 3, Title = "many points" };
        Assert.True(FigureWriter.KeptFraction(sheet) < 0.05);
        var (_, svg) = FigureWriter.Save(sheet, Path.Combine(_dir, "many"));
        long size = new FileInfo(svg).Length;
        Assert.True(size <= 150_000, $"{svg} is {size} bytes");
        Assert.Equal(1, FigureWriter.KeptFraction(new Figure(SamplePanel(AxisScale.Linear, AxisScale.Linear))));
    }

    [Fact]
    public void ThinningKeepsEvenlySpacedPointsWithTheEnds()
    {
        Assert.Equal([0, 1, 2, 3], FigureWriter.KeptIndices(4, 1));
        Assert.Equal([0, 5, 10], FigureWriter.KeptIndices(11, 0.25));
        Assert.Equal([0, 9], FigureWriter.KeptIndices(10, 0.01));
        Assert.Equal([0], FigureWriter.KeptIndices(1, 0.01));
    }

    [Fact]
    public void SinglePanelUsesDefaultSizeAndGridLayoutWraps()
    {
        Assert.Equal((1, 1, 1000, 600, 1000, 600), FigureWriter.Layout(new Figure(SamplePanel(AxisScale.Linear, AxisScale.Linear))));
        var grid = new Figure(Enumerable.Repeat(SamplePanel(AxisScale.Linear, AxisScale.Linear), 3).ToArray()) { Columns = 2 };
        Assert.Equal((2, 2, 700, 500, 1400, 1000), FigureWriter.Layout(grid));
    }

    [Fact]
    public void PlotModelSkipsPointsALogAxisCannotShowAndKeepsBandsOutOfTheLegend()
    {
        var panel = new Panel("p", "x", "y", [new Series("s", [0.0, 1, 2, double.NaN], [1.0, -1, 3, 4]) { Lower = [0.0, 0, 0, 0], Upper = [2.0, 2, 4, 5] }])
        { XScale = AxisScale.Log10, YScale = AxisScale.Log10 };
        var model = FigureWriter.ToPlotModel(panel);
        var line = (OxyPlot.Series.LineSeries)model.Series.Single(s => s.GetType() == typeof(OxyPlot.Series.LineSeries));
        Assert.Single(line.Points); // only (2, 3) is positive and finite in both coordinates
        var band = model.Series.OfType<OxyPlot.Series.AreaSeries>().Single();
        Assert.False(band.RenderInLegend);
        Assert.Equal(FigureWriter.Font, model.DefaultFont);
    }

    [Fact]
    public void MismatchedSeriesLengthsAreRejected()
    {
        var panel = new Panel("p", "x", "y", [new Series("bad", [1.0, 2], [1.0])]);
        Assert.Throws<ArgumentException>(() => FigureWriter.ToPlotModel(panel));
        var halfBand = new Panel("p", "x", "y", [new Series("bad", [1.0], [1.0]) { Lower = [0.0] }]);
        Assert.Throws<ArgumentException>(() => FigureWriter.ToPlotModel(halfBand));
    }
}
