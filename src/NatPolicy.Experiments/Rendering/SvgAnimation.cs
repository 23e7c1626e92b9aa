using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace NatPolicy.Experiments.Rendering;

/// <summary>
/// Writes a <see cref="Scene"/> as one animated SVG document (SMIL, no script, no external reference): static shapes
/// once, and per moving part one <c>&lt;animateTransform calcMode="discrete"&gt;</c> per motion whose <c>values</c>
/// list holds every frame, over <c>Frames / Fps</c> seconds, repeated. Each motion's group carries frame 0 as its
/// <c>transform</c>, so a viewer without SMIL shows the first frame. Groups are tagged <c>class="PART"</c> (translation)
/// and <c>class="PART-rotate"</c> (rotation) for readers such as the tests. Coordinates are written to 0.01 px, angles to
/// 0.001°.
/// </summary>
public static class SvgAnimation
{
    /// <summary>The SVG namespace, needed on the root of a standalone .svg file.</summary>
    public const string Namespace = "http://www.w3.org/2000/svg";

    /// <summary>The document; <paramref name="standalone"/> false leaves out the XML namespace (for inline SVG in HTML, which implies it).</summary>
    public static string Write(Scene scene, bool standalone = true)
    {
        var sb = new StringBuilder();
        sb.Append("<svg").Append(standalone ? $" xmlns=\"{Namespace}\"" : "")
          .Append(Inv($" width=\"{scene.Width}\" height=\"{scene.Height}\" viewBox=\"0 0 {scene.Width} {scene.Height}\">\n"));
        sb.Append("<title>").Append(Escape($"{scene.Title}: {scene.Frames} frames at {scene.Fps} fps")).Append("</title>\n");
        sb.Append(Inv($"<rect width=\"{scene.Width}\" height=\"{scene.Height}\" fill=\"#ffffff\"/>\n"));
        foreach (var s in scene.Static) AppendShape(sb, s);
        string dur = Inv($"{(double)scene.Frames / scene.Fps:0.###}s");
        foreach (var p in scene.Parts) AppendPart(sb, p, dur);
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>Every frame's value of part <paramref name="part"/>'s rotation (degrees) in an SVG from <see cref="Write"/>.</summary>
    public static double[] ReadRotation(string svg, string part) => Values(svg, part + "-rotate", "rotate").Select(v => v[0]).ToArray();

    /// <summary>Every frame's translation (x, y pixels) of part <paramref name="part"/> in an SVG from <see cref="Write"/>.</summary>
    public static (double X, double Y)[] ReadTranslation(string svg, string part) => Values(svg, part, "translate").Select(v => (v[0], v[1])).ToArray();

    private static IEnumerable<double[]> Values(string svg, string cls, string type)
    {
        var doc = XDocument.Parse(svg);
        var group = doc.Descendants().Single(e => e.Name.LocalName == "g" && (string?)e.Attribute("class") == cls);
        var anim = group.Elements().Single(e => e.Name.LocalName == "animateTransform" && (string?)e.Attribute("type") == type);
        return ((string)anim.Attribute("values")!).Split(';')
            .Select(v => v.Split(' ').Select(x => double.Parse(x, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray());
    }

    private static void AppendPart(StringBuilder sb, Part p, string dur)
    {
        int close = 0;
        if (p.OffsetX != 0 || p.OffsetY != 0)
        {
            sb.Append($"<g transform=\"translate({N(p.OffsetX)} {N(p.OffsetY)})\">\n");
            close++;
        }
        if (p.X is not null || p.Y is not null)
        {
            int n = (p.X ?? p.Y)!.Length;
            string At(int k) => $"{N(p.X?[k] ?? 0)} {N(p.Y?[k] ?? 0)}";
            sb.Append($"<g class=\"{Escape(p.Id)}\" transform=\"translate({At(0)})\">");
            AppendAnimation(sb, "translate", n, At, dur);
            close++;
        }
        if (p.Degrees is { } deg)
        {
            sb.Append($"<g class=\"{Escape(p.Id)}-rotate\" transform=\"rotate({A(deg[0])})\">");
            AppendAnimation(sb, "rotate", deg.Length, k => A(deg[k]), dur);
            close++;
        }
        foreach (var s in p.Shapes) AppendShape(sb, s);
        foreach (var c in p.Children) AppendPart(sb, c, dur);
        for (int i = 0; i < close; i++) sb.Append("</g>\n");
    }

    private static void AppendAnimation(StringBuilder sb, string type, int frames, Func<int, string> value, string dur)
    {
        sb.Append($"<animateTransform attributeName=\"transform\" type=\"{type}\" calcMode=\"discrete\" dur=\"{dur}\" repeatCount=\"indefinite\" values=\"");
        for (int k = 0; k < frames; k++)
        {
            if (k > 0) sb.Append(';');
            sb.Append(value(k));
        }
        sb.Append("\"/>\n");
    }

    private static void AppendShape(StringBuilder sb, Shape s)
    {
        switch (s)
        {
            case RectShape r:
                sb.Append($"<rect x=\"{N(r.X)}\" y=\"{N(r.Y)}\" width=\"{N(r.Width)}\" height=\"{N(r.Height)}\" fill=\"{r.Fill}\"/>\n");
                break;
            case CircleShape c:
                sb.Append($"<circle cx=\"{N(c.Cx)}\" cy=\"{N(c.Cy)}\" r=\"{N(c.R)}\" fill=\"{c.Fill}\"/>\n");
                break;
            case PolygonShape g:
                sb.Append($"<polygon points=\"{Points(g.Points)}\" fill=\"{g.Fill}\"/>\n");
                break;
            case PolylineShape l:
                sb.Append($"<polyline points=\"{Points(l.Points)}\" fill=\"none\" stroke=\"{l.Fill}\" stroke-width=\"1\"/>\n");
                break;
            default:
                throw new ArgumentException($"unknown shape {s.GetType().Name}");
        }
    }

    private static string Points(IReadOnlyList<(double X, double Y)> points) => string.Join(" ", points.Select(p => $"{N(p.X)},{N(p.Y)}"));

    /// <summary>Pixels to 0.01.</summary>
    private static string N(double x) => x.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Degrees to 0.001.</summary>
    private static string A(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}
