using System.Text;

namespace NatPolicy.Experiments.Runs;

/// <summary>
/// Whole-file writes that a crash, a kill or a full disk cannot tear: the content goes to <c>PATH.tmp</c>, is flushed
/// to disk (unless the caller says the file need not outlive a power failure), and is renamed over <c>PATH</c>. On
/// any failure the temporary file is deleted and the previous <c>PATH</c> (if any) is left as it was. The rename
/// alone already makes the write atomic for a process that crashes or is killed (the page cache holds either the old
/// or the new file); the flush (fsync, 2–6 ms on this machine's ext4) adds durability across a power failure or an
/// operating-system crash.
/// </summary>
public static class AtomicFile
{
    /// <summary>Suffix of the temporary file beside the target; resume deletes stale ones.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>Test hook: when set, called with the target path before each write; throwing from it simulates a failing disk.</summary>
    public static Action<string>? BeforeWrite { get; set; }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="path"/> atomically.</summary>
    public static void WriteText(string path, string text) =>
        Write(path, s =>
        {
            using var w = new StreamWriter(s, new UTF8Encoding(false), leaveOpen: true);
            w.Write(text);
        });

    /// <summary>Writes what <paramref name="write"/> puts into the stream to <paramref name="path"/> atomically (creating the directory).</summary>
    /// <param name="durable">
    /// False skips the flush to disk: still atomic against a crash or kill of the process, but after a power failure
    /// the file may be empty or missing. Only for files whose loss is detected and recovered from (a checkpoint that
    /// a newer one supersedes: resume falls back to an older one) or that can be rebuilt from others (figures).
    /// </param>
    public static void Write(string path, Action<Stream> write, bool durable = true)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string tmp = full + TempSuffix;
        try
        {
            BeforeWrite?.Invoke(full);
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(fs);
                fs.Flush(flushToDisk: durable);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>Deletes the stale <c>*.tmp</c> files a killed writer left in <paramref name="dir"/> and its subfolders.</summary>
    public static void RemoveStale(string dir)
    {
        if (!Directory.Exists(dir)) return;
        foreach (var f in Directory.EnumerateFiles(dir, "*" + TempSuffix, SearchOption.AllDirectories)) TryDelete(f);
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure is the one to report.
        }
    }
}
