using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NatPolicy.Agents.Training;
using NatPolicy.Envs;
using NatPolicy.Experiments.Compare;
using NatPolicy.Experiments.Configuration;
using NatPolicy.Experiments.Runs;

namespace NatPolicy.Experiments.Sweeps;

/// <summary>One group of a sweep: an env with one override set, a comparison folder <c>&lt;env&gt;/&lt;name&gt;</c> of algos × seeds.</summary>
/// <param name="Name">The override set as a folder name: <c>key=value</c> pairs joined by <c>,</c> and sanitised, or <c>base</c>.</param>
/// <param name="Folder">Relative to the sweep folder, '/'-separated.</param>
public sealed record SweepGroup(string Env, string Name, string Folder, IReadOnlyList<Override> Overrides);

/// <summary>One cell of a sweep as recorded in <c>sweep.json</c>: its index (the task numbering), group, run folder and config hash.</summary>
public sealed record SweepCell(int Index, int Group, string Env, string Algo, ulong Seed, long TotalSteps, string Folder, string ConfigSha256);

/// <summary>Where a sweep cell stands, from its files alone.</summary>
public enum SweepCellStatus { Pending, Running, Failed, Done }

/// <summary>A cell with its status, env steps logged so far and, when failed, why.</summary>
public sealed record SweepCellState(SweepCell Cell, SweepCellStatus Status, long EnvSteps, string? Reason);

/// <summary>
/// A sweep folder: <c>sweep.json</c> (the spec and its expansion) and one comparison folder per group,
/// <c>&lt;env&gt;/&lt;overrides&gt;/</c>, whose cells are <c>&lt;algo&gt;/s&lt;seed&gt;/</c> run folders. Cells are numbered env,
/// group, algo, seed (the order of the spec); task t of a run with C cells per task runs cells tC … tC+C−1.
/// </summary>
public sealed class Sweep
{
    public const string FileName = "sweep.json";
    public const int CurrentVersion = 1;

    /// <summary>Largest expansion accepted without confirmation (<c>--yes</c>).</summary>
    public const long ConfirmAbove = 10_000;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    private Sweep(string dir, Manifest manifest, IReadOnlyList<Comparison> groups)
    {
        Dir = Path.GetFullPath(dir);
        Groups = manifest.Groups;
        Cells = manifest.Cells;
        Comparisons = groups;
    }

    public string Dir { get; }
    public IReadOnlyList<SweepGroup> Groups { get; }
    public IReadOnlyList<SweepCell> Cells { get; }

    /// <summary>Each group's comparison, in group order.</summary>
    public IReadOnlyList<Comparison> Comparisons { get; }

    /// <summary>The absolute folder of a cell.</summary>
    public string CellFolder(SweepCell cell) => Path.Combine(Dir, Path.Combine(cell.Folder.Split('/')));

    private sealed record Manifest(int FormatVersion, JsonObject Spec, IReadOnlyList<SweepGroup> Groups, IReadOnlyList<SweepCell> Cells);

    /// <summary>A cell's (comparison, index in it).</summary>
    public (Comparison C, int K) Locate(SweepCell cell)
    {
        var c = Comparisons[cell.Group];
        int k = cell.Index - Cells.First(x => x.Group == cell.Group).Index;
        return (c, k);
    }

    /// <summary>
    /// Resolves every cell of <paramref name="spec"/> (refusing the spec on the first override the resolver refuses, or
    /// more than <see cref="ConfirmAbove"/> cells unless <paramref name="confirmed"/>) and then creates the folder — or,
    /// when <paramref name="dir"/> already holds this very expansion, opens it to be finished (creating any group an
    /// interruption left unmade). A folder holding another sweep is refused unless <paramref name="force"/>, which
    /// deletes it; a non-empty folder holding no sweep is always refused. Nothing is written when the input is refused.
    /// </summary>
    public static Sweep Create(string dir, SweepSpec spec, bool confirmed, bool force)
    {
        long count = spec.CellCount;
        if (count > ConfirmAbove && !confirmed)
            throw new SweepException($"the spec expands to {count.ToString("N0", CultureInfo.InvariantCulture)} cells (more than {ConfirmAbove.ToString("N0", CultureInfo.InvariantCulture)}); add --yes to run them all");
        var plan = Plan(spec);
        var manifest = new Manifest(CurrentVersion, spec.ToJson(), plan.Select(p => p.Group).ToArray(), Number(plan));
        string path = Path.Combine(dir, FileName);
        if (File.Exists(path))
        {
            var old = ReadManifest(dir);
            bool same = old.Spec.ToJsonString() == manifest.Spec.ToJsonString()
                && old.Cells.Select(c => (c.Folder, c.ConfigSha256)).SequenceEqual(manifest.Cells.Select(c => (c.Folder, c.ConfigSha256)));
            if (!same && !force)
                throw new SweepException($"{dir} holds another sweep (its sweep.json records another spec or expansion); use --force to replace it or another --out");
            if (!same) Directory.Delete(dir, recursive: true);
        }
        else if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            throw new SweepException($"output folder {dir} is not empty and holds no sweep; choose another --out");

        Directory.CreateDirectory(dir);
        // sweep.json first: from here on a rerun of the same spec recognises the folder and finishes it.
        RunFolder.WriteAtomic(path, JsonSerializer.Serialize(manifest, Json));
        var evaluation = EvaluationSettings.Final with { Episodes = spec.EvalEpisodes };
        foreach (var (group, configs) in plan)
        {
            string groupDir = Path.Combine(dir, Path.Combine(group.Folder.Split('/')));
            if (ComparisonManifest.Exists(groupDir)) continue;
            Comparison.Create(groupDir, EnvRegistry.Spec(group.Env).RewardThreshold, configs, evaluation, force: true);
        }
        return Open(dir);
    }

    /// <summary>Opens a sweep folder (its sweep.json and every group's comparison.json).</summary>
    public static Sweep Open(string dir)
    {
        var m = ReadManifest(dir);
        var groups = new List<Comparison>();
        foreach (var g in m.Groups)
        {
            try
            {
                groups.Add(Comparison.Open(Path.Combine(dir, Path.Combine(g.Folder.Split('/')))));
            }
            catch (ComparisonException e)
            {
                throw new SweepException($"{dir}: group {g.Folder} is incomplete ({e.Message}); run the sweep command again to finish creating it");
            }
        }
        return new Sweep(dir, m, groups);
    }

    private static Manifest ReadManifest(string dir)
    {
        string path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) throw new SweepException($"{dir}: no {FileName}, so it is not a sweep folder");
        Manifest? m;
        try
        {
            m = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new SweepException($"{path}: malformed ({e.Message.Split('\n')[0]})");
        }
        if (m is null || m.FormatVersion != CurrentVersion || m.Groups is null || m.Cells is null)
            throw new SweepException($"{path}: not a sweep.json of format version {CurrentVersion}");
        foreach (var f in m.Cells.Select(c => c.Folder).Concat(m.Groups.Select(g => g.Folder)))
            if (f is null || f.Split('/').Any(p => p is "" or "." or ".."))
                throw new SweepException($"{path}: invalid folder '{f}'");
        return m;
    }

    /// <summary>Every group with its cells' resolved configs (env, override set, algo, seed order).</summary>
    private static IReadOnlyList<(SweepGroup Group, IReadOnlyList<TrainConfig> Configs)> Plan(SweepSpec spec)
    {
        var sets = spec.OverrideSets();
        var names = sets.Select(Name).ToArray();
        var plan = new List<(SweepGroup, IReadOnlyList<TrainConfig>)>();
        foreach (var env in spec.Envs)
            for (int g = 0; g < sets.Count; g++)
            {
                var set = sets[g];
                TrainConfig Resolve(string algo, ulong seed)
                {
                    var overrides = spec.Set.Concat(set).Select(o => (o.Key, o.Value))
                        .Append(("seed", seed.ToString(CultureInfo.InvariantCulture))).ToArray();
                    try
                    {
                        return ConfigResolver.Resolve(env, algo, null, null, overrides);
                    }
                    catch (ConfigException e)
                    {
                        string where = set.Count == 0 ? "" : " with " + string.Join(", ", set);
                        throw new SweepException($"cell {env} {algo}{where}: {e.Message}");
                    }
                }
                var budgets = spec.Steps.TryGetValue(env, out long steps) ? spec.Algos.ToDictionary(a => a, _ => steps) : null;
                var configs = Comparison.PlanCells(spec.Algos, spec.Seeds, Resolve, budgets);
                foreach (var c in configs)
                    if (c.Problems(TrainDefaults.IsBox(c.EnvId)).FirstOrDefault() is { } problem)
                        throw new SweepException($"cell {env} {c.AlgoName} s{c.Seed}: {problem}");
                plan.Add((new SweepGroup(env, names[g], $"{env}/{names[g]}", set), configs));
            }
        return plan;
    }

    private static IReadOnlyList<SweepCell> Number(IReadOnlyList<(SweepGroup Group, IReadOnlyList<TrainConfig> Configs)> plan)
    {
        var cells = new List<SweepCell>();
        for (int g = 0; g < plan.Count; g++)
            foreach (var c in plan[g].Configs)
                cells.Add(new SweepCell(cells.Count, g, c.EnvId, c.AlgoName, c.Seed, c.TotalSteps,
                    $"{plan[g].Group.Folder}/{c.AlgoName}/s{c.Seed.ToString(CultureInfo.InvariantCulture)}", RunFolder.ConfigHash(ConfigJson.Serialize(c))));
        return cells;
    }

    /// <summary>
    /// An override set as a folder name: <c>key=value</c> joined by <c>,</c>, every character outside
    /// <c>[A-Za-z0-9._=,+-]</c> replaced by <c>_</c>; <c>base</c> for no overrides; longer than 80 characters, cut to 71
    /// and followed by <c>~</c> and 8 hex digits of the full name's SHA-256 (so names stay distinct).
    /// </summary>
    public static string Name(IReadOnlyList<Override> set)
    {
        if (set.Count == 0) return "base";
        string full = string.Join(",", set.Select(o => $"{o.Key}={o.Value}"));
        var sb = new StringBuilder(full.Length);
        foreach (char ch in full) sb.Append(char.IsAsciiLetterOrDigit(ch) || ".=,+-_".Contains(ch) ? ch : '_');
        string name = sb.ToString();
        if (name.Length > 80 || name != full)
        {
            string hash = RunFolder.ConfigHash(full)[..8];
            if (name.Length > 80) name = name[..71] + "~" + hash;
            else if (name != full) name += "~" + hash;
        }
        return name;
    }

    /// <summary>Tasks for <paramref name="cellsPerTask"/> cells each (the last may hold fewer).</summary>
    public int TaskCount(int cellsPerTask) => (Cells.Count + cellsPerTask - 1) / cellsPerTask;

    /// <summary>The cells of task <paramref name="task"/> (0-based).</summary>
    public IReadOnlyList<SweepCell> TaskCells(int task, int cellsPerTask)
    {
        if (cellsPerTask < 1) throw new SweepException($"--cells-per-task must be at least 1 (got {cellsPerTask})");
        if (task < 0 || task >= TaskCount(cellsPerTask))
            throw new SweepException($"--task {task}: this sweep has tasks 0 … {TaskCount(cellsPerTask) - 1} at {cellsPerTask} cells per task");
        return Cells.Skip(task * cellsPerTask).Take(cellsPerTask).ToArray();
    }

    /// <summary>Runs the given cells (all when null) with the sweep engine; see <see cref="SweepEngine.Run"/>.</summary>
    public void Run(int jobs, IReadOnlyList<SweepCell>? cells = null, Action<SweepCell, IterationLog?>? report = null, CancellationToken cancel = default)
    {
        var list = cells ?? Cells;
        var byLocation = list.ToDictionary(Locate);
        SweepEngine.Run(byLocation.Keys.ToArray(), jobs, report is null ? null : (c, k, row) => report(byLocation[(c, k)], row), cancel);
    }

    /// <summary>
    /// Each cell's status from its files: done (eval_final.json), running (its lock is held), failed (task_failed.txt,
    /// or a lock left by a killed task), else pending (possibly part-trained).
    /// </summary>
    public IReadOnlyList<SweepCellState> Status() => Cells.Select(cell =>
    {
        var (c, k) = Locate(cell);
        var state = c.State(c.Manifest.Cells[k]);
        string folder = CellFolder(cell);
        string failed = Path.Combine(folder, SweepEngine.FailedFile);
        if (state.Status == CellStatus.Finished) return new SweepCellState(cell, SweepCellStatus.Done, state.EnvSteps, null);
        if (SweepEngine.IsRunning(folder)) return new SweepCellState(cell, SweepCellStatus.Running, state.EnvSteps, null);
        if (File.Exists(failed)) return new SweepCellState(cell, SweepCellStatus.Failed, state.EnvSteps, File.ReadAllText(failed).Trim());
        if (File.Exists(Path.Combine(folder, SweepEngine.LockFile)))
            return new SweepCellState(cell, SweepCellStatus.Failed, state.EnvSteps, "killed (its task stopped without finishing)");
        return new SweepCellState(cell, SweepCellStatus.Pending, state.EnvSteps, null);
    }).ToArray();
}
