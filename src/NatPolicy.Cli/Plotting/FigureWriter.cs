using System.Runtime.ExceptionServices;
using NatPolicy.Experiments.Runs;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using OxyPlot.SkiaSharp;
using SkiaSharp;

namespace NatPolicy.Cli.Plotting;

/// <summary>Renders a <see cref="Figure"/> with OxyPlot onto a Skia canvas and writes PNG and SVG.</summary>
public static class FigureWriter
{
    public const string Font = "DejaVu Sans";
    private const double FontSize = 14, TitleFontSize = 16, FigureTitleFontSize = 18, FigureTitleStrip = 40;
    private const byte BandAlpha = 50;

    /// <summary>Default colours (matplotlib's "tab10"), used in order for series without a colour.</summary>
    public static IReadOnlyList<string> Palette { get; } =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>Writes <c>{path}.png</c> and <c>{path}.svg</c> (creating the directory) and returns both paths.</summary>
    public static (string Png, string Svg) Save(Figure figure, string pathWithoutExtension)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(pathWithoutExtension));
        if (dir is not null) Directory.CreateDirectory(dir);
        string png = pathWithoutExtension + ".png", svg = pathWithoutExtension + ".svg";
        // Not flushed to disk: a figure lost to a power failure is redrawn from the files by `natpolicy plot`.
        // The two files are drawn side by side (each draw builds its own plot models and canvas); a failure surfaces
        // as itself (e.g. the IOException of a full disk), not wrapped.
        try
        {
            Parallel.Invoke(
                () => AtomicFile.Write(png, s => WritePng(figure, s), durable: false),
                () => AtomicFile.Write(svg, s => WriteSvg(figure, s), durable: false));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        return (png, svg);
    }

    /// <summary>
    /// Draws a small throw-away figure (a line with a band, a reference line, a legend) as PNG and SVG into nothing: it
    /// loads Skia and the font and compiles the drawing code (see <see cref="WarmUp"/>).
    /// </summary>
    public static void DrawThrowAway()
    {
        double[] x = [0, 1, 2], y = [0, 2, 1];
        var band = new Series("warm-up", x, y) { Lower = [-1, 1, 0], Upper = [1, 3, 2] };
        var panel = new Panel("warm-up", "env steps", "return", [band]) { ReferenceLines = [new ReferenceLine(1.5, "threshold")] };
        var figure = new Figure([panel]) { PanelWidth = 160, PanelHeight = 120 };
        WritePng(figure, Stream.Null);
        WriteSvg(figure, Stream.Null);
    }

    /// <summary>(columns, rows, panel width, panel height, total width, total height) in pixels.</summary>
    public static (int Cols, int Rows, int PanelW, int PanelH, int Width, int Height) Layout(Figure f)
    {
        if (f.Panels.Count == 0) throw new ArgumentException("a figure needs at least one panel");
        int cols = f.Columns <= 0 ? f.Panels.Count : Math.Min(f.Columns, f.Panels.Count);
        int rows = (f.Panels.Count + cols - 1) / cols;
        int w = f.PanelWidth ?? (f.Panels.Count == 1 ? Figure.DefaultWidth : 700);
        int h = f.PanelHeight ?? (rows == 1 ? Figure.DefaultHeight : 500);
        int strip = f.Title is null ? 0 : (int)FigureTitleStrip;
        return (cols, rows, w, h, cols * w, rows * h + strip);
    }

    public static void WritePng(Figure figure, Stream stream)
    {
        var (_, _, _, _, width, height) = Layout(figure);
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            Render(figure, canvas, RenderTarget.PixelGraphic, keep: 1);
        }
        using var pixels = bitmap.PeekPixels();
        using var data = pixels.Encode(PngEncoding);
        data.SaveTo(stream);
    }

    /// <summary>
    /// PNG rows filtered by "Up" alone (each row minus the row above; a plot is mostly rows equal to their neighbour)
    /// at zlib's default level 6, instead of Skia's default of trying all five filters on every row: files within about
    /// 3% of the default's size (the repository's figures) in a little over half the encoding time (FigureBenchmarks).
    /// </summary>
    public static SKPngEncoderOptions PngEncoding { get; } = new(SKPngEncoderFilterFlags.Up, zLibLevel: 6);

    /// <summary>The largest SVG <see cref="WriteSvg"/> writes unless even 1% of the points do not fit.</summary>
    public const int MaxSvgBytes = 150_000;

    /// <summary>
    /// Writes the SVG with every series thinned to <see cref="KeptFraction"/> of its points, and to half as many again
    /// while the document exceeds <see cref="MaxSvgBytes"/> (legend text can be written as glyph outlines, which makes
    /// the size depend on more than the points). The PNG always draws every point.
    /// </summary>
    public static void WriteSvg(Figure figure, Stream stream)
    {
        var (_, _, _, _, width, height) = Layout(figure);
        for (double keep = KeptFraction(figure); ; keep /= 2)
        {
            using var buffer = new MemoryStream();
            // SKSvgCanvas writes its document when disposed.
            using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), buffer))
                Render(figure, canvas, RenderTarget.VectorGraphic, keep);
            if (buffer.Length <= MaxSvgBytes || keep < 0.01)
            {
                buffer.WriteTo(stream);
                return;
            }
        }
    }

    private static void Render(Figure figure, SKCanvas canvas, RenderTarget target, double keep)
    {
        var (cols, _, w, h, _, _) = Layout(figure);
        canvas.Clear(SKColors.White);
        using var context = new SkiaRenderContext { RenderTarget = target, SkCanvas = canvas, UseTextShaping = false };
        double top = 0;
        if (figure.Title is not null)
        {
            context.DrawText(new ScreenPoint(cols * w / 2.0, FigureTitleStrip / 2), figure.Title, OxyColors.Black, Font,
                FigureTitleFontSize, FontWeights.Bold, 0, HorizontalAlignment.Center, VerticalAlignment.Middle);
            top = FigureTitleStrip;
        }
        for (int i = 0; i < figure.Panels.Count; i++)
        {
            IPlotModel model = ToPlotModel(figure.Panels[i], keep);
            canvas.Save();
            canvas.Translate((float)(i % cols * w), (float)(top + i / cols * h));
            model.Update(true);
            model.Render(context, new OxyRect(0, 0, w, h));
            canvas.Restore();
        }
    }

    /// <summary>
    /// The most data points an SVG draws: line points plus two per band point, over all panels. A figure with more
    /// has every series thinned by the same factor (<see cref="KeptFraction"/>) in its SVG, so that it stays under
    /// <see cref="MaxSvgBytes"/> (about 18 bytes a point, plus about 100 KB of axes and text for a six-panel sheet).
    /// </summary>
    public const int PointBudget = 4_000;

    /// <summary>
    /// The share of each series' points drawn: 1 when the figure holds at most <see cref="PointBudget"/> points, else
    /// budget / points. A thinned series keeps evenly spaced points, the first and the last always.
    /// </summary>
    public static double KeptFraction(Figure figure)
    {
        long points = figure.Panels.SelectMany(p => p.Series).Sum(s => (long)s.X.Length + (s.Lower is null ? 0 : 2L * s.X.Length));
        return points <= PointBudget ? 1 : (double)PointBudget / points;
    }

    /// <summary>The indices a series of <paramref name="count"/> points keeps at <paramref name="keep"/> (evenly spaced; first and last always).</summary>
    public static int[] KeptIndices(int count, double keep)
    {
        int m = keep >= 1 ? count : Math.Min(count, Math.Max(2, (int)Math.Ceiling(count * keep)));
        if (m == count) return Enumerable.Range(0, count).ToArray();
        return Enumerable.Range(0, m).Select(j => (int)Math.Round((double)j * (count - 1) / (m - 1))).Distinct().ToArray();
    }

    /// <summary>The OxyPlot model of one panel (exposed for callers who want OxyPlot's own exporters).</summary>
    /// <param name="keep">The share of each series' points drawn (<see cref="KeptFraction"/>; 1: all).</param>
    public static PlotModel ToPlotModel(Panel panel, double keep = 1)
    {
        var model = new PlotModel
        {
            Title = panel.Title,
            DefaultFont = Font,
            DefaultFontSize = FontSize,
            TitleFontSize = TitleFontSize,
            TitleFontWeight = FontWeights.Bold,
            Background = OxyColors.White,
            PlotAreaBorderColor = OxyColor.FromRgb(0x88, 0x88, 0x88),
            Padding = new OxyThickness(8),
        };
        model.Axes.Add(MakeAxis(AxisPosition.Bottom, panel.XTitle, panel.XScale, panel.XMin, panel.XMax));
        model.Axes.Add(MakeAxis(AxisPosition.Left, panel.YTitle, panel.YScale, panel.YMin, panel.YMax));
        if (panel.Legend != LegendPlacement.None && panel.Series.Any(s => !string.IsNullOrEmpty(s.Label)))
        {
            model.Legends.Add(new Legend
            {
                LegendPosition = panel.Legend switch
                {
                    LegendPlacement.TopLeft => LegendPosition.TopLeft,
                    LegendPlacement.BottomRight => LegendPosition.BottomRight,
                    LegendPlacement.BottomLeft => LegendPosition.BottomLeft,
                    LegendPlacement.OutsideRight => LegendPosition.RightTop,
                    LegendPlacement.OutsideBottom => LegendPosition.BottomCenter,
                    _ => LegendPosition.TopRight,
                },
                LegendPlacement = panel.Legend is LegendPlacement.OutsideRight or LegendPlacement.OutsideBottom
                    ? OxyPlot.Legends.LegendPlacement.Outside : OxyPlot.Legends.LegendPlacement.Inside,
                LegendOrientation = panel.Legend == LegendPlacement.OutsideBottom ? LegendOrientation.Horizontal : LegendOrientation.Vertical,
                LegendBackground = OxyColor.FromAColor(220, OxyColors.White),
                LegendBorder = OxyColor.FromRgb(0xbb, 0xbb, 0xbb),
                LegendFont = Font,
                LegendFontSize = FontSize - 1,
            });
        }
        int next = 0;
        foreach (var s in panel.Series)
        {
            Validate(s);
            var color = OxyColor.Parse(s.Color ?? Palette[next++ % Palette.Count]);
            if (s.Lower is not null && s.Upper is not null)
            {
                var band = new AreaSeries
                {
                    Color = OxyColors.Transparent,
                    Fill = OxyColor.FromAColor(BandAlpha, color),
                    StrokeThickness = 0,
                    RenderInLegend = false,
                };
                foreach (int i in KeptIndices(s.X.Length, keep))
                {
                    if (!Plottable(s.X[i], panel.XScale) || !Plottable(s.Lower[i], panel.YScale) || !Plottable(s.Upper[i], panel.YScale)) continue;
                    band.Points.Add(new DataPoint(s.X[i], s.Upper[i]));
                    band.Points2.Add(new DataPoint(s.X[i], s.Lower[i]));
                }
                model.Series.Add(band);
            }
            var line = new LineSeries
            {
                Title = string.IsNullOrEmpty(s.Label) ? null : s.Label,
                RenderInLegend = !string.IsNullOrEmpty(s.Label),
                Color = color,
                StrokeThickness = s.Thickness,
                LineStyle = s.Dashed ? LineStyle.Dash : LineStyle.Solid,
                MarkerType = s.Markers ? MarkerType.Circle : MarkerType.None,
                MarkerSize = 2.5,
                MarkerFill = color,
            };
            foreach (int i in KeptIndices(s.X.Length, keep))
                if (Plottable(s.X[i], panel.XScale) && Plottable(s.Y[i], panel.YScale))
                    line.Points.Add(new DataPoint(s.X[i], s.Y[i]));
            model.Series.Add(line);
        }
        foreach (var r in panel.ReferenceLines)
        {
            model.Annotations.Add(new LineAnnotation
            {
                Type = LineAnnotationType.Horizontal,
                Y = r.Y,
                Text = r.Label,
                Color = OxyColor.Parse(r.Color),
                TextColor = OxyColor.Parse(r.Color),
                LineStyle = r.Dashed ? LineStyle.Dash : LineStyle.Solid,
                StrokeThickness = 1.5,
                FontSize = FontSize - 1,
                // Label just above the line, inside the plot area at its right end.
                TextLinePosition = 1,
                TextHorizontalAlignment = HorizontalAlignment.Right,
                TextVerticalAlignment = VerticalAlignment.Bottom,
                TextMargin = 4,
            });
        }
        return model;
    }

    private static Axis MakeAxis(AxisPosition position, string title, AxisScale scale, double? min, double? max)
    {
        Axis axis = scale == AxisScale.Log10 ? new LogarithmicAxis { Base = 10, UseSuperExponentialFormat = true } : new LinearAxis();
        axis.Position = position;
        axis.Title = title;
        axis.MajorGridlineStyle = LineStyle.Solid;
        axis.MajorGridlineColor = OxyColor.FromRgb(0xe6, 0xe6, 0xe6);
        axis.MinorGridlineStyle = scale == AxisScale.Log10 ? LineStyle.None : LineStyle.Solid; // solid: OxyPlot's SVG writes a dotted line as thousands of tiny squares
        axis.MinorGridlineColor = OxyColor.FromRgb(0xf2, 0xf2, 0xf2);
        axis.TitleFontSize = FontSize;
        if (min is { } lo) axis.Minimum = lo;
        if (max is { } hi) axis.Maximum = hi;
        return axis;
    }

    private static bool Plottable(double v, AxisScale scale) => double.IsFinite(v) && (scale == AxisScale.Linear || v > 0);

    private static void Validate(Series s)
    {
        if (s.X.Length != s.Y.Length)
            throw new ArgumentException($"series '{s.Label}': {s.X.Length} x values but {s.Y.Length} y values");
        if ((s.Lower is null) != (s.Upper is null))
            throw new ArgumentException($"series '{s.Label}': give both Lower and Upper or neither");
        if (s.Lower is not null && (s.Lower.Length != s.X.Length || s.Upper!.Length != s.X.Length))
            throw new ArgumentException($"series '{s.Label}': band length differs from x length");
    }
}
