using BenchmarkDotNet.Attributes;
using NatPolicy.Cli.Plotting;
using SkiaSharp;

namespace NatPolicy.Benchmarks;

/// <summary>
/// The per-run figure: a 1000×600 learning curve of 50 points with a band and a threshold line, drawn as PNG and as
/// SVG, and the PNG's encoding alone with Skia's default options (every row tried with all five filters) against
/// <see cref="FigureWriter.PngEncoding"/> (the "Up" filter alone).
/// Run: dotnet run -c Release --project benchmarks/NatPolicy.Benchmarks -- --filter '*FigureBenchmarks*'
/// </summary>
[MemoryDiagnoser(false)]
public class FigureBenchmarks
{
    private Figure _figure = null!;
    private SKBitmap _bitmap = null!;
    private SKPixmap _pixels = null!;

    [GlobalSetup]
    public void Setup()
    {
        const int n = 50;
        double[] x = new double[n], y = new double[n], lo = new double[n], hi = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = 2000.0 * (i + 1);
            y[i] = 500 * (1 - Math.Exp(-i / 12.0)) + 20 * Math.Sin(i);
            lo[i] = y[i] - 40;
            hi[i] = y[i] + 40;
        }
        var series = new Series("npg", x, y) { Lower = lo, Upper = hi };
        var panel = new Panel("CartPole-v1 npg", "env steps", "return", [series]) { ReferenceLines = [new ReferenceLine(475, "threshold")] };
        _figure = new Figure([panel]);
        using var png = new MemoryStream();
        FigureWriter.WritePng(_figure, png);
        _bitmap = SKBitmap.Decode(png.ToArray());
        _pixels = _bitmap.PeekPixels();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pixels.Dispose();
        _bitmap.Dispose();
    }

    [Benchmark]
    public void WritePng() => FigureWriter.WritePng(_figure, Stream.Null);

    [Benchmark]
    public void WriteSvg() => FigureWriter.WriteSvg(_figure, Stream.Null);

    [Benchmark(Baseline = true)]
    public long EncodePngSkiaDefault()
    {
        using var data = _pixels.Encode(SKEncodedImageFormat.Png, 100);
        return data.Size;
    }

    [Benchmark]
    public long EncodePngUpFilter()
    {
        using var data = _pixels.Encode(FigureWriter.PngEncoding);
        return data.Size;
    }
}
