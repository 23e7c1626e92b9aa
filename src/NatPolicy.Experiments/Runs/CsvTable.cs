using System.Text;
using NatPolicy.Core;

namespace NatPolicy.Experiments.Runs;

/// <summary>
/// A CSV file as NatPolicy writes it (progress.csv, eval.csv): a header line, then rows; RFC 4180 quoting; a row counts
/// once its '\n' is written, so a torn last line (a kill in the middle of a row) is dropped; empty lines are skipped.
/// </summary>
public sealed class CsvTable
{
    private readonly int[] _lineNumbers;

    private CsvTable(string path, IReadOnlyList<string> header, IReadOnlyList<string[]> rows, IReadOnlyList<string> lines, int[] lineNumbers)
    {
        _lineNumbers = lineNumbers;
        Path = path;
        Header = header;
        Rows = rows;
        Lines = lines;
    }

    public string Path { get; }
    public IReadOnlyList<string> Header { get; }

    /// <summary>The cells of each row.</summary>
    public IReadOnlyList<string[]> Rows { get; }

    /// <summary>The raw text of each row (no line break).</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>
    /// Reads <paramref name="path"/>; its first line must be <paramref name="header"/> (or start with it when
    /// <paramref name="headerPrefixOnly"/>), else a <see cref="FormatException"/> naming the file.
    /// </summary>
    public static CsvTable Read(string path, string header, bool headerPrefixOnly = false)
    {
        string text = File.ReadAllText(path);
        int end = text.LastIndexOf('\n');
        var lines = end < 0 ? [] : text[..end].Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        if (lines.Length == 0 || !(headerPrefixOnly ? lines[0].StartsWith(header, StringComparison.Ordinal) : lines[0] == header))
            throw new FormatException($"{path}: first line must be the header '{header}'");
        var rows = new List<string[]>();
        var raw = new List<string>();
        var numbers = new List<int>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            rows.Add([.. Split(lines[i])]);
            raw.Add(lines[i]);
            numbers.Add(i + 1);
        }
        return new CsvTable(path, Split(lines[0]), rows, raw, [.. numbers]);
    }

    public bool Has(string column) => Header.Contains(column);

    /// <summary>The index of a column; <see cref="FormatException"/> when the file has none of that name.</summary>
    public int Column(string name) => Header.ToList().IndexOf(name) is var k and >= 0 ? k : throw new FormatException($"{Path}: no column '{name}'");

    /// <summary>A numeric cell: an empty cell is NaN; text that is not a number is a <see cref="FormatException"/> naming the file and line.</summary>
    public double Number(int row, int column)
    {
        var cells = Rows[row];
        if (column >= cells.Length) throw new FormatException($"{Path}:{LineNumber(row)}: malformed row (too few cells)");
        string c = cells[column];
        if (c.Length == 0) return double.NaN;
        try
        {
            return Fmt.ParseDouble(c);
        }
        catch (FormatException)
        {
            throw new FormatException($"{Path}:{LineNumber(row)}: '{c}' in column '{Header[column]}' is not a number");
        }
    }

    /// <summary>Every row's value of one numeric column (<see cref="Number"/>).</summary>
    public double[] Numbers(string name)
    {
        int k = Column(name);
        var values = new double[Rows.Count];
        for (int i = 0; i < values.Length; i++) values[i] = Number(i, k);
        return values;
    }

    private int LineNumber(int row) => _lineNumbers[row];

    /// <summary>The cells of one CSV line (RFC 4180 quotes, "" inside quotes for a quote).</summary>
    public static List<string> Split(string line)
    {
        var cells = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else sb.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { cells.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(ch);
        }
        cells.Add(sb.ToString());
        return cells;
    }
}
