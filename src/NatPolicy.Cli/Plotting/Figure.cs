namespace NatPolicy.Cli.Plotting;

public enum AxisScale
{
    Linear,
    Log10,
}

/// <summary>
/// One curve. <paramref name="X"/> and <paramref name="Y"/> have equal length; <see cref="Lower"/>/<see cref="Upper"/>
/// (both or neither, same length) are drawn as a shaded band behind the line. Points that are not finite, or not
/// positive on a log axis, are skipped.
/// </summary>
/// <param name="Label">Legend entry; null or empty keeps the series out of the legend.</param>
public sealed record Series(string? Label, double[] X, double[] Y)
{
    public double[]? Lower { get; init; }
    public double[]? Upper { get; init; }

    /// <summary>"#RRGGBB" (or "#AARRGGBB"); null takes the next colour of <see cref="FigureWriter.Palette"/>.</summary>
    public string? Color { get; init; }

    public bool Dashed { get; init; }

    /// <summary>Line width in pixels.</summary>
    public double Thickness { get; init; } = 2;

    /// <summary>Draw a marker at every point (for short sequences such as iterates).</summary>
    public bool Markers { get; init; }
}

/// <summary>A horizontal line across a panel at <paramref name="Y"/> (e.g. a reward threshold), with an optional label.</summary>
public sealed record ReferenceLine(double Y, string? Label = null)
{
    public string Color { get; init; } = "#555555";
    public bool Dashed { get; init; } = true;
}

public enum LegendPlacement
{
    TopRight,
    TopLeft,
    BottomRight,
    BottomLeft,
    OutsideRight,

    /// <summary>Below the plot area, entries side by side (wrapping), so the data area keeps the panel's width.</summary>
    OutsideBottom,
    None,
}

/// <summary>One plot: title, axis titles and scales, curves, reference lines.</summary>
public sealed record Panel(string Title, string XTitle, string YTitle, IReadOnlyList<Series> Series)
{
    public AxisScale XScale { get; init; } = AxisScale.Linear;
    public AxisScale YScale { get; init; } = AxisScale.Linear;
    public IReadOnlyList<ReferenceLine> ReferenceLines { get; init; } = [];

    /// <summary>Fixed axis limits; null lets the data decide.</summary>
    public double? XMin { get; init; }
    public double? XMax { get; init; }
    public double? YMin { get; init; }
    public double? YMax { get; init; }

    public LegendPlacement Legend { get; init; } = LegendPlacement.TopRight;
}

/// <summary>
/// One or more panels laid out in a grid, left to right then top to bottom (<see cref="Columns"/> per row; 0 puts
/// every panel in one row). Size in pixels per panel; the whole image is Columns·PanelWidth × Rows·PanelHeight
/// plus a title strip when <see cref="Title"/> is set.
/// </summary>
public sealed record Figure(IReadOnlyList<Panel> Panels)
{
    public const int DefaultWidth = 1000, DefaultHeight = 600;

    public string? Title { get; init; }
    public int Columns { get; init; }

    /// <summary>Null: 1000 for a single panel, 700 for each of several.</summary>
    public int? PanelWidth { get; init; }

    /// <summary>Null: 600 for a single row, 500 per row otherwise.</summary>
    public int? PanelHeight { get; init; }

    public Figure(params Panel[] panels) : this((IReadOnlyList<Panel>)panels) { }
}
