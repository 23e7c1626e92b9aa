using System.Diagnostics;
using System.Text.RegularExpressions;
using SkiaSharp;

namespace NatPolicy.Cli.Tests;

/// <summary>
/// Finds Debian's chromium-headless-shell (or Chrome's headless shell) on this machine; NATPOLICY_CHROMIUM names
/// another binary (a path that does not exist counts as no browser).
/// </summary>
internal static class HeadlessChromium
{
    public static string? Path { get; } = Environment.GetEnvironmentVariable("NATPOLICY_CHROMIUM") is { Length: > 0 } given
        ? (File.Exists(given) ? given : null)
        : new[]
    {
        "/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium-headless-shell", "/usr/bin/chrome-headless-shell",
        "/usr/bin/chromium", "/usr/bin/google-chrome",
    }.FirstOrDefault(File.Exists);

    /// <summary>Under CI (CI=true) a missing browser is a failure, not a skip.</summary>
    public static bool Required => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A test of the Browser tier: skipped when no headless Chromium is installed, unless CI=true.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (HeadlessChromium.Path is null && !HeadlessChromium.Required)
            Skip = "no headless Chromium (apt-get install chromium-headless-shell); with CI=true this test fails instead";
    }
}

/// <summary>report.html opened in a real browser: every figure and table is in the rendered DOM and the page is drawn.</summary>
[Trait("Category", "Browser")]
public sealed class BrowserTests(SmallComparison comparison) : IClassFixture<SmallComparison>
{
    private static string Chromium(string page, params string[] args)
    {
        string exe = HeadlessChromium.Path ?? throw new InvalidOperationException(
            "CI=true but no headless Chromium is installed: .ci/run installs chromium-headless-shell (apt-get install chromium-headless-shell)");
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--virtual-time-budget=1500" }.Concat(args))
            info.ArgumentList.Add(a);
        info.ArgumentList.Add(new Uri(page).AbsoluteUri);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{exe} did not finish in 60 s");
        }
        Assert.True(p.ExitCode == 0, $"{exe} exited with {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    [BrowserFact]
    public void ReportRendersEveryFigureAndTable()
    {
        Assert.Equal(0, InProcess.Natpolicy("report", comparison.Dir).Code);
        string page = Path.Combine(comparison.Dir, "report.html");
        string html = File.ReadAllText(page);
        int figures = Regex.Count(html, "<figure "), tables = Regex.Count(html, "<table ");
        Assert.Equal(1 + SmallComparison.Runs.Count, figures);
        Assert.Equal(2, tables);

        // The DOM after parsing and layout: each figure holds an SVG with its drawing, each table its rows.
        string dom = Chromium(page, "--dump-dom");
        var domFigures = Regex.Matches(dom, "<figure class=\"(plot|episode)\">(.*?)</figure>", RegexOptions.Singleline);
        Assert.Equal(figures, domFigures.Count);
        foreach (Match f in domFigures)
        {
            Assert.Contains("<svg", f.Value, StringComparison.Ordinal);
            Assert.Contains(f.Groups[1].Value == "plot" ? "<path" : "<animateTransform", f.Value, StringComparison.Ordinal);
        }
        var domTables = Regex.Matches(dom, "<table class=\"data\">(.*?)</table>", RegexOptions.Singleline);
        Assert.Equal(tables, domTables.Count);
        Assert.Equal(1 + 2, Regex.Count(domTables[0].Value, "<tr>"));
        Assert.Equal(1 + SmallComparison.Runs.Count, Regex.Count(domTables[1].Value, "<tr>"));

        // The screenshot is drawn: many colours, the learning curves' algo colours and the cart-pole's pole.
        string shot = Path.Combine(comparison.Dir, "report.png");
        Chromium(page, $"--screenshot={shot}", "--window-size=1200,2000");
        using var bitmap = SKBitmap.Decode(shot) ?? throw new InvalidDataException($"{shot} is not an image");
        Assert.Equal(1200, bitmap.Width);
        var counts = new Dictionary<uint, int>();
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                uint key = (uint)(c.Red << 16 | c.Green << 8 | c.Blue);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        int white = counts.GetValueOrDefault(0xffffffu);
        Assert.True(white < 0.97 * bitmap.Width * bitmap.Height, $"{white} of {bitmap.Width * bitmap.Height} pixels are white");
        Assert.True(counts.Count > 50, $"only {counts.Count} colours");
        int Near(uint rgb) => counts.Where(kv => Math.Abs((int)(kv.Key >> 16) - (int)(rgb >> 16)) <= 12
            && Math.Abs((int)((kv.Key >> 8) & 0xff) - (int)((rgb >> 8) & 0xff)) <= 12 && Math.Abs((int)(kv.Key & 0xff) - (int)(rgb & 0xff)) <= 12).Sum(kv => kv.Value);
        Assert.True(Near(0xd62728) > 200, "the vpg curve (#d62728) is not drawn");
        Assert.True(Near(0x1f77b4) > 200, "the npg curve (#1f77b4) is not drawn");
        Assert.True(Near(0xca9865) > 100, "no cart-pole pole (#ca9865) is drawn");
    }
}
