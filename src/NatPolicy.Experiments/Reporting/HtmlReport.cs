using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Rendering;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Reporting;

/// <summary>
/// The figures of a run or comparison folder as SVG documents (caption, svg), drawn by the caller (the CLI draws them
/// with OxyPlot, which this library does not reference). An empty sequence is fine.
/// </summary>
public delegate IEnumerable<(string Caption, string Svg)> FigureSource(string folder);

/// <summary>What a results folder holds, decided by its file names.</summary>
public enum ReportKind
{
    /// <summary>config.json or progress.csv: one training run.</summary>
    Run,

    /// <summary>comparison.json, or <c>&lt;algo&gt;/s&lt;seed&gt;/</c> run folders: <c>compare</c>'s output.</summary>
    Comparison,

    /// <summary>benchmark.json: <c>benchmark</c>'s output, one comparison per env in <c>&lt;env&gt;/</c>.</summary>
    Benchmark,

    /// <summary>sweep.json: <c>sweep</c>'s output; its CSV tables and the run and comparison folders under it are shown.</summary>
    Sweep,
}

/// <summary>
/// <c>report.html</c>: one self-contained page for a run, comparison, benchmark or sweep folder. Tables from the CSV
/// files the verbs wrote (summary.csv, cells.csv, benchmark.csv, any CSV of a sweep; a run's last progress rows), the
/// figures inline as SVG (from a <see cref="FigureSource"/>), the configs, and an animated episode of each final policy
/// (<see cref="EpisodeRender"/>, seed <see cref="EpisodeSeed"/>, deterministic actions). Inline CSS only: no script,
/// no link, no URL. Every table is a <c>&lt;table class="data"&gt;</c> and every figure a <c>&lt;figure&gt;</c> holding
/// one <c>&lt;svg&gt;</c>, outside any collapsed <c>&lt;details&gt;</c>; the configs sit in <c>&lt;details&gt;</c>.
/// Non-integer numbers in tables show 6 significant digits (the file's text is the cell's tooltip).
/// </summary>
public static class HtmlReport
{
    public const string FileName = "report.html";

    /// <summary>Reset seed of the rendered episodes.</summary>
    public const ulong EpisodeSeed = 0;

    /// <summary>At most this many episodes are drawn per page (a benchmark draws the first seed of each algo and env).</summary>
    public const int MaxEpisodes = 30;

    /// <summary>Rows of a run's progress.csv shown (the last ones).</summary>
    public const int ProgressRows = 10;

    /// <summary>The kind of <paramref name="dir"/>, or null when it holds none of them.</summary>
    public static ReportKind? KindOf(string dir) =>
        File.Exists(Path.Combine(dir, "sweep.json")) ? ReportKind.Sweep
        : File.Exists(Path.Combine(dir, Benchmark.FileName)) ? ReportKind.Benchmark
        : ComparisonManifest.Exists(dir) || ComparisonFolder.Algos(dir).Count > 0 ? ReportKind.Comparison
        : File.Exists(Path.Combine(dir, RunFolder.ConfigFile)) || File.Exists(Path.Combine(dir, RunFolder.ProgressFile)) ? ReportKind.Run
        : null;

    /// <summary>Writes <c>DIR/report.html</c> atomically and returns its path.</summary>
    /// <exception cref="ArgumentException"><paramref name="dir"/> holds no run, comparison, benchmark or sweep.</exception>
    public static string Write(string dir, FigureSource figures)
    {
        string html = Build(dir, figures);
        string path = Path.Combine(dir, FileName);
        RunFolder.WriteAtomic(path, html);
        return path;
    }

    /// <summary>The page's HTML.</summary>
    /// <exception cref="ArgumentException"><paramref name="dir"/> holds no run, comparison, benchmark or sweep.</exception>
    public static string Build(string dir, FigureSource figures)
    {
        if (!Directory.Exists(dir)) throw new ArgumentException($"{dir} is not a folder");
        var kind = KindOf(dir) ?? throw new ArgumentException(
            $"{dir} holds no run (config.json, progress.csv), comparison (comparison.json), benchmark ({Benchmark.FileName}) or sweep (sweep.json)");
        var page = new Page(figures);
        string name = Path.GetFileName(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar));
        switch (kind)
        {
            case ReportKind.Run: page.Run(dir); break;
            case ReportKind.Comparison: page.Comparison(dir, 2, allEpisodes: true); break;
            case ReportKind.Benchmark: page.Benchmark(dir); break;
            default: page.Sweep(dir); break;
        }
        return page.Html($"{kind.ToString().ToLowerInvariant()} {name}");
    }

    /// <summary>
    /// An SVG document made fit to sit inline in HTML: no XML declaration or namespace declarations (HTML implies
    /// them), a viewBox so CSS can scale it, and its ids (and url(#…)/href references to them) prefixed with
    /// <paramref name="prefix"/> so several figures on one page do not share clip paths.
    /// </summary>
    public static string InlineSvg(string svg, string prefix)
    {
        svg = Regex.Replace(svg, @"<\?xml[^>]*\?>\s*", "");
        svg = Regex.Replace(svg, @"<!DOCTYPE[^>]*>\s*", "");
        svg = Regex.Replace(svg, @"\s+xmlns(:\w+)?=""[^""]*""", "");
        svg = Regex.Replace(svg, @"\bid=""([^""]+)""", m => $"id=\"{prefix}{m.Groups[1].Value}\"");
        svg = Regex.Replace(svg, @"url\(#([^)]+)\)", m => $"url(#{prefix}{m.Groups[1].Value})");
        svg = Regex.Replace(svg, @"href=""#([^""]+)""", m => $"href=\"#{prefix}{m.Groups[1].Value}\"");
        var root = Regex.Match(svg, @"<svg\b[^>]*>");
        if (root.Success && !root.Value.Contains("viewBox", StringComparison.Ordinal))
        {
            var w = Regex.Match(root.Value, @"\bwidth=""([\d.]+)""");
            var h = Regex.Match(root.Value, @"\bheight=""([\d.]+)""");
            if (w.Success && h.Success)
                svg = svg[..(root.Index + 4)] + $" viewBox=\"0 0 {w.Groups[1].Value} {h.Groups[1].Value}\"" + svg[(root.Index + 4)..];
        }
        return svg.Trim();
    }

    /// <summary>Rows of a CSV file (RFC 4180 quoting), header first.</summary>
    public static List<string[]> ReadCsv(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l => CsvTable.Split(l).ToArray()).ToList();

    /// <summary>Run folders (holding policy.json) under <paramref name="dir"/>, at most <paramref name="depth"/> levels down, in ordinal order.</summary>
    public static IReadOnlyList<string> RunFolders(string dir, int depth)
    {
        var found = new List<string>();
        void Walk(string d, int left)
        {
            foreach (var sub in Directory.GetDirectories(d).Order(StringComparer.Ordinal))
            {
                if (File.Exists(Path.Combine(sub, RunFolder.PolicyFile))) found.Add(sub);
                else if (left > 1) Walk(sub, left - 1);
            }
        }
        Walk(dir, depth);
        return found;
    }

    private sealed class Page(FigureSource figures)
    {
        private readonly StringBuilder _body = new();
        private readonly List<(string Id, string Title, int Level)> _toc = [];
        private int _figures, _episodes, _sections;

        public void Run(string dir)
        {
            Section("Run", 2);
            Facts(dir);
            Figures(dir);
            string progress = Path.Combine(dir, RunFolder.ProgressFile);
            if (File.Exists(progress)) CsvTable(progress, $"the last {ProgressRows} rows of {RunFolder.ProgressFile}", lastRows: ProgressRows);
            string eval = Path.Combine(dir, "eval.csv");
            if (File.Exists(eval)) CsvTable(eval, "eval.csv (evaluation during training)", lastRows: ProgressRows);
            EvalFinal(dir);
            Section("Episodes", 3);
            Episode(dir, RunFolder.PolicyFile, "final policy");
            if (File.Exists(Path.Combine(dir, "best_policy.json"))) Episode(dir, "best_policy.json", "best policy");
            EndEpisodes();
            Section("Config", 3);
            Json(Path.Combine(dir, RunFolder.ConfigFile), RunFolder.ConfigFile, open: true);
        }

        public void Comparison(string dir, int level, bool allEpisodes)
        {
            Section(level == 2 ? "Comparison" : Path.GetFileName(dir), level);
            string summary = Path.Combine(dir, "summary.csv"), cells = Path.Combine(dir, "cells.csv");
            if (File.Exists(summary)) CsvTable(summary, "summary.csv: per algorithm");
            else Note("no summary.csv (the comparison has not finished)");
            Figures(dir);
            var runs = RunFolders(dir, 2);
            if (!allEpisodes) runs = runs.GroupBy(r => Path.GetDirectoryName(r)).Select(g => g.First()).ToList();
            Section(allEpisodes ? "Episodes of the final policies" : "Episodes of the final policies (first seed of each algo)", level + 1);
            foreach (var r in runs) Episode(r, RunFolder.PolicyFile, Path.GetRelativePath(dir, r).Replace('\\', '/'));
            EndEpisodes();
            Section("Per seed", level + 1);
            if (File.Exists(cells)) CsvTable(cells, "cells.csv: per (algo, seed) cell");
            Section("Configs", level + 1);
            if (ComparisonManifest.Exists(dir)) Json(Path.Combine(dir, ComparisonManifest.FileName), ComparisonManifest.FileName, open: false);
            foreach (var g in RunFolders(dir, 2).GroupBy(r => Path.GetDirectoryName(r)))
                Json(Path.Combine(g.First(), RunFolder.ConfigFile), Path.GetRelativePath(dir, Path.Combine(g.First(), RunFolder.ConfigFile)).Replace('\\', '/'), open: false);
        }

        public void Benchmark(string dir)
        {
            Section("Benchmark", 2);
            string csv = Path.Combine(dir, NatPolicy.Experiments.Compare.Benchmark.CsvFile);
            if (File.Exists(csv)) CsvTable(csv, $"{NatPolicy.Experiments.Compare.Benchmark.CsvFile}: per env and algorithm, beside rl-baselines3-zoo's TRPO");
            else Note($"no {NatPolicy.Experiments.Compare.Benchmark.CsvFile} (the benchmark has not finished)");
            foreach (var env in Directory.GetDirectories(dir).Order(StringComparer.Ordinal).Where(d => KindOf(d) == ReportKind.Comparison))
                Comparison(env, 3, allEpisodes: false);
            Section("Config", 3);
            Json(Path.Combine(dir, NatPolicy.Experiments.Compare.Benchmark.FileName), NatPolicy.Experiments.Compare.Benchmark.FileName, open: false);
        }

        public void Sweep(string dir)
        {
            Section("Sweep", 2);
            foreach (var csv in Directory.GetFiles(dir, "*.csv").Order(StringComparer.Ordinal)) CsvTable(csv, Path.GetFileName(csv));
            foreach (var sub in Directory.GetDirectories(dir).Order(StringComparer.Ordinal))
            {
                switch (KindOf(sub))
                {
                    case ReportKind.Comparison: Comparison(sub, 3, allEpisodes: false); break;
                    case ReportKind.Run:
                        Section(Path.GetFileName(sub), 3);
                        Figures(sub);
                        Episode(sub, RunFolder.PolicyFile, Path.GetFileName(sub));
                        EndEpisodes();
                        break;
                }
            }
            Section("Config", 3);
            Json(Path.Combine(dir, "sweep.json"), "sweep.json", open: false);
        }

        private void Section(string title, int level)
        {
            CloseEpisodes();
            string id = "s" + (++_sections).ToString(CultureInfo.InvariantCulture);
            _toc.Add((id, title, level));
            _body.Append($"<h{level} id=\"{id}\">{E(title)}</h{level}>\n");
        }

        private void Note(string text) => _body.Append($"<p class=\"note\">{E(text)}</p>\n");

        private void Facts(string dir)
        {
            string config = Path.Combine(dir, RunFolder.ConfigFile);
            if (!File.Exists(config)) return;
            try
            {
                var c = NatPolicy.Experiments.Configuration.ConfigResolver.Load(File.ReadAllText(config), config);
                Table("run", ["env", "algo", "seed", "total env steps"],
                    [[c.EnvId, c.AlgoName, c.Seed.ToString(CultureInfo.InvariantCulture), c.TotalSteps.ToString("N0", CultureInfo.InvariantCulture)]]);
            }
            catch (NatPolicy.Agents.Training.ConfigException e)
            {
                Note($"{RunFolder.ConfigFile} cannot be read: {e.Message}");
            }
        }

        private void Figures(string dir)
        {
            foreach (var (caption, svg) in figures(dir))
            {
                string prefix = "f" + (++_figures).ToString(CultureInfo.InvariantCulture) + "-";
                _body.Append("<figure class=\"plot\">\n").Append(InlineSvg(svg, prefix))
                     .Append($"\n<figcaption>{E(caption)}</figcaption>\n</figure>\n");
            }
        }

        private bool _episodesOpen;

        private void Episode(string runDir, string file, string caption)
        {
            string path = Path.Combine(runDir, file);
            if (!File.Exists(path)) return;
            if (_episodes >= MaxEpisodes)
            {
                if (_episodes++ == MaxEpisodes) Note($"more policies than the {MaxEpisodes} episodes a page draws; render the others with natpolicy render");
                return;
            }
            EpisodeRender episode;
            try
            {
                episode = EpisodeRender.Run(PolicyFile.Load(path), null, EpisodeSeed);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidDataException)
            {
                Note($"{caption}: not drawn ({e.Message.Split('\n')[0]})");
                return;
            }
            if (!_episodesOpen)
            {
                _body.Append("<div class=\"episodes\">\n");
                _episodesOpen = true;
            }
            _episodes++;
            string prefix = "e" + _episodes.ToString(CultureInfo.InvariantCulture) + "-";
            _body.Append("<figure class=\"episode\">\n").Append(InlineSvg(episode.Svg(standalone: false), prefix)).Append(
                string.Create(CultureInfo.InvariantCulture, $"\n<figcaption>{E(caption)}: return {episode.Return:0.##}, {episode.Length} steps (seed {episode.Seed}, deterministic)</figcaption>\n</figure>\n"));
        }

        private void EndEpisodes() => CloseEpisodes();

        private void CloseEpisodes()
        {
            if (!_episodesOpen) return;
            _body.Append("</div>\n");
            _episodesOpen = false;
        }

        private void EvalFinal(string dir)
        {
            string path = Path.Combine(dir, EvaluationFile.FinalFileName);
            if (!File.Exists(path)) return;
            try
            {
                var e = EvaluationFile.Read(path);
                Table("eval_final.json: deterministic evaluation of the final policy", ["episodes", "first seed", "return mean", "return std", "length mean"],
                    [[Inv(e.Episodes), Inv(e.FirstSeed), Inv(e.ReturnMean), Inv(e.ReturnStd), Inv(e.LengthMean)]]);
            }
            catch (FormatException ex)
            {
                Note($"eval_final.json cannot be read: {ex.Message.Split('\n')[0]}");
            }
        }

        private void CsvTable(string path, string caption, int lastRows = int.MaxValue)
        {
            var rows = ReadCsv(path);
            if (rows.Count == 0) return;
            var body = rows.Skip(1).ToList();
            if (body.Count > lastRows) body = body.Skip(body.Count - lastRows).ToList();
            Table(caption, rows[0], body);
        }

        private void Table(string caption, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
        {
            CloseEpisodes();
            _body.Append($"<div class=\"scroll\"><table class=\"data\">\n<caption>{E(caption)}</caption>\n<thead><tr>");
            foreach (var h in header) _body.Append($"<th>{E(h)}</th>");
            _body.Append("</tr></thead>\n<tbody>\n");
            foreach (var r in rows)
            {
                _body.Append("<tr>");
                foreach (var c in r)
                    _body.Append(long.TryParse(c, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? $"<td class=\"num\">{E(c)}</td>"
                        : double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
                        ? $"<td class=\"num\" title=\"{E(c)}\">{E(x.ToString("G6", CultureInfo.InvariantCulture))}</td>"
                        : $"<td>{E(c)}</td>");
                _body.Append("</tr>\n");
            }
            _body.Append("</tbody></table></div>\n");
        }

        private void Json(string path, string caption, bool open)
        {
            if (!File.Exists(path)) return;
            CloseEpisodes();
            _body.Append($"<details{(open ? " open" : "")}><summary>{E(caption)}</summary><pre>{E(File.ReadAllText(path))}</pre></details>\n");
        }

        public string Html(string title)
        {
            CloseEpisodes();
            var sb = new StringBuilder();
            sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            sb.Append($"<title>NatPolicy report: {E(title)}</title>\n<style>\n{Css}</style>\n</head>\n<body>\n");
            sb.Append($"<h1>NatPolicy report: {E(title)}</h1>\n<nav><ul>\n");
            foreach (var (id, t, level) in _toc) sb.Append($"<li class=\"l{level}\"><a href=\"#{id}\">{E(t)}</a></li>\n");
            sb.Append("</ul></nav>\n<main>\n").Append(_body).Append("</main>\n</body>\n</html>\n");
            return sb.ToString();
        }
    }

    private const string Css = """
        body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 1.5em auto; max-width: 1100px; color: #222; background: #fff; }
        h1 { font-size: 1.5em; } h2 { border-bottom: 1px solid #ccc; margin-top: 1.6em; } h3 { margin-top: 1.4em; } h4 { margin-top: 1.2em; }
        nav ul { list-style: none; padding-left: 0; columns: 2; font-size: 0.9em; } nav li.l3 { padding-left: 1em; } nav li.l4 { padding-left: 2em; }
        a { color: #1f77b4; }
        .scroll { overflow-x: auto; margin: 0.8em 0; }
        table.data { border-collapse: collapse; font-size: 0.85em; }
        table.data caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
        table.data th, table.data td { border: 1px solid #ccc; padding: 0.2em 0.5em; white-space: nowrap; }
        table.data th { background: #f0f0f0; } table.data td.num { text-align: right; font-variant-numeric: tabular-nums; }
        table.data tbody tr:nth-child(even) { background: #fafafa; }
        figure { margin: 1em 0; } figure.plot svg { width: 100%; height: auto; border: 1px solid #eee; }
        figcaption { font-size: 0.85em; color: #555; }
        .episodes { display: flex; flex-wrap: wrap; gap: 0.8em; }
        figure.episode { margin: 0; width: 250px; } figure.episode svg { width: 250px; height: auto; border: 1px solid #ddd; }
        details { margin: 0.5em 0; } pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; font-size: 0.8em; }
        .note { color: #8a5a00; }

        """;

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string Inv(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Inv(long x) => x.ToString(CultureInfo.InvariantCulture);

    private static string Inv(ulong x) => x.ToString(CultureInfo.InvariantCulture);
}
