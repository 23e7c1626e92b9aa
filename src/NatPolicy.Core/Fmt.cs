using System.Globalization;

namespace NatPolicy.Core;

/// <summary>Invariant-culture number formatting: every number NatPolicy writes goes through here or <see cref="CultureInfo.InvariantCulture"/>.</summary>
public static class Fmt
{
    /// <summary>Shortest round-trip form ("R"), invariant culture; NaN and infinities as "nan", "inf", "-inf".</summary>
    public static string D(double x) =>
        double.IsNaN(x) ? "nan" : double.IsPositiveInfinity(x) ? "inf" : double.IsNegativeInfinity(x) ? "-inf"
        : x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Fixed number of significant digits ("G{digits}"), invariant culture.</summary>
    public static string G(double x, int digits = 6) => x.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static double ParseDouble(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}
