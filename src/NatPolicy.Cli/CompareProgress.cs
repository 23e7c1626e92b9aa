using System.Diagnostics;
using System.Globalization;
using NatPolicy.Agents.Training;
using Spectre.Console;

namespace NatPolicy.Cli;

/// <summary>
/// Progress of a comparison: on a terminal, a live bar per cell plus an overall bar with ETA (Spectre.Console);
/// when output is redirected (CI, files), plain lines: one when a cell finishes and an overall line at most every
/// few seconds, so logs stay readable.
/// </summary>
public abstract class CompareProgress
{
    /// <summary>Seconds between overall lines in plain mode.</summary>
    public const double PlainInterval = 5.0;

    protected CompareProgress(string[] labels, long[] totals)
    {
        Labels = labels;
        Totals = totals;
        Done = new long[labels.Length];
    }

    protected string[] Labels { get; }
    protected long[] Totals { get; }
    protected long[] Done { get; }
    protected Stopwatch Clock { get; } = Stopwatch.StartNew();

    public static CompareProgress Create(TextWriter stdout, string[] labels, long[] totals, bool quiet)
    {
        if (quiet) return new Plain(TextWriter.Null, labels, totals);
        bool terminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        return terminal ? new Live(labels, totals) : new Plain(stdout, labels, totals);
    }

    /// <summary>Runs <paramref name="work"/>, which reports (cell, row) after each iteration and (cell, null) when a cell ends. Thread-safe.</summary>
    public abstract void Run(Action<Action<int, IterationLog?>> work);

    protected string Eta()
    {
        double done = Done.Sum(), total = Totals.Sum();
        if (done <= 0) return "?";
        double remaining = Clock.Elapsed.TotalSeconds * (total - done) / done;
        return remaining.ToString("F0", CultureInfo.InvariantCulture) + " s";
    }

    private sealed class Plain(TextWriter o, string[] labels, long[] totals) : CompareProgress(labels, totals)
    {
        private readonly object _gate = new();
        private double _lastLine;
        private int _finished;

        public override void Run(Action<Action<int, IterationLog?>> work) => work((cell, row) =>
        {
            lock (_gate)
            {
                if (row is null)
                {
                    _finished++;
                    o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"[{Clock.Elapsed.TotalSeconds,6:F1} s] {Labels[cell]} done ({_finished}/{Labels.Length} cells)"));
                    return;
                }
                Done[cell] = Math.Min(row.Value.EnvSteps, Totals[cell]);
                double now = Clock.Elapsed.TotalSeconds;
                if (now - _lastLine >= PlainInterval)
                {
                    _lastLine = now;
                    double pct = 100.0 * Done.Sum() / Totals.Sum();
                    o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"[{now,6:F1} s] {pct,5:F1}% of env steps, {_finished}/{Labels.Length} cells done, ETA {Eta()}"));
                }
            }
        });
    }

    private sealed class Live(string[] labels, long[] totals) : CompareProgress(labels, totals)
    {
        public override void Run(Action<Action<int, IterationLog?>> work)
        {
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var overall = ctx.AddTask("[bold]all cells[/]", maxValue: Totals.Sum());
                    var tasks = Labels.Select((l, k) => ctx.AddTask(Markup.Escape(l), maxValue: Totals[k])).ToArray();
                    var gate = new object();
                    work((cell, row) =>
                    {
                        lock (gate)
                        {
                            if (row is null)
                            {
                                tasks[cell].Value = tasks[cell].MaxValue;
                                return;
                            }
                            long now = Math.Min(row.Value.EnvSteps, Totals[cell]);
                            overall.Increment(now - Done[cell]);
                            Done[cell] = now;
                            tasks[cell].Value = now;
                            string ret = double.IsNaN(row.Value.ReturnMean) ? "" : $" return {row.Value.ReturnMean:F0}";
                            tasks[cell].Description = Markup.Escape(Labels[cell] + ret);
                        }
                    });
                    overall.Value = overall.MaxValue;
                });
        }
    }
}
