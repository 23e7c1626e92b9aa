namespace NatPolicy.Experiments.Rendering;

/// <summary>A shape in its part's local frame, in screen pixels with y pointing down (SVG's convention).</summary>
public abstract record Shape(string Fill);

/// <summary>Axis-aligned rectangle: top-left corner (<paramref name="X"/>, <paramref name="Y"/>), width and height in pixels.</summary>
public sealed record RectShape(double X, double Y, double Width, double Height, string Fill) : Shape(Fill);

/// <summary>Disc of radius <paramref name="R"/> pixels centred at (<paramref name="Cx"/>, <paramref name="Cy"/>).</summary>
public sealed record CircleShape(double Cx, double Cy, double R, string Fill) : Shape(Fill);

/// <summary>Filled polygon through the given (x, y) vertices.</summary>
public sealed record PolygonShape(IReadOnlyList<(double X, double Y)> Points, string Fill) : Shape(Fill);

/// <summary>Open line through the given vertices, 1 pixel wide, in colour <see cref="Shape.Fill"/>.</summary>
public sealed record PolylineShape(IReadOnlyList<(double X, double Y)> Points, string Fill) : Shape(Fill);

/// <summary>
/// A moving part: placed at (<paramref name="OffsetX"/>, <paramref name="OffsetY"/>) in its parent's frame, then
/// translated by (<see cref="X"/>[k], <see cref="Y"/>[k]) pixels and rotated by <see cref="Degrees"/>[k] (clockwise on
/// screen, about its own origin) in frame k; its shapes and children are drawn in that frame, in order.
/// Each per-frame array is null (no such motion) or has one value per frame.
/// </summary>
public sealed record Part(string Id, double OffsetX, double OffsetY, IReadOnlyList<Shape> Shapes)
{
    public double[]? X { get; init; }
    public double[]? Y { get; init; }
    public double[]? Degrees { get; init; }
    public IReadOnlyList<Part> Children { get; init; } = [];
}

/// <summary>
/// An animated picture of one episode: a <see cref="Width"/>×<see cref="Height"/> pixel canvas on a white background,
/// static shapes drawn first, then the moving parts, <see cref="Frames"/> frames shown for 1/<see cref="Fps"/> s each.
/// </summary>
public sealed record Scene(string Title, int Width, int Height, int Fps, int Frames, IReadOnlyList<Shape> Static, IReadOnlyList<Part> Parts);
