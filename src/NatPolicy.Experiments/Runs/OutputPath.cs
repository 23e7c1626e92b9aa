namespace NatPolicy.Experiments.Runs;

/// <summary>
/// Checks a path the user gave for output before any work: not empty, a valid path, not a file where a folder is
/// wanted (or the reverse), no file among its parents, and a writable nearest existing folder. Throws
/// <see cref="RunException"/> (exit 2) naming the flag and the path; writes nothing (the writability probe creates
/// and deletes one empty file).
/// </summary>
public static class OutputPath
{
    /// <summary>Checks <paramref name="path"/> given to <paramref name="flag"/>: a folder when <paramref name="folder"/>, else a file.</summary>
    public static void Check(string flag, string? path, bool folder)
    {
        if (path is null) return;
        string what = folder ? "a folder" : "a file path";
        if (string.IsNullOrWhiteSpace(path)) throw new RunException($"{flag}: the path is empty; give {what}");
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new RunException($"{flag} '{path}': not a valid path; give {what}");
        }
        if (path.Contains('\0')) throw new RunException($"{flag} '{path}': not a valid path; give {what}");
        if (folder && File.Exists(full)) throw new RunException($"{flag} '{path}' is a file; give a folder");
        if (!folder && Directory.Exists(full)) throw new RunException($"{flag} '{path}' is a folder; give a file path");
        string? existing = folder && Directory.Exists(full) ? full : Path.GetDirectoryName(full);
        while (existing is not null && !Directory.Exists(existing))
        {
            if (File.Exists(existing)) throw new RunException($"{flag} '{path}': '{existing}' is a file, not a folder; choose another place");
            existing = Path.GetDirectoryName(existing);
        }
        if (existing is null) return;
        // Unique per call, not per process: two checks at once in one process (threads, library callers) must not collide.
        string probe = Path.Combine(existing, $".natpolicy-write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunException($"{flag} '{path}': cannot write in '{existing}' ({e.Message.ReplaceLineEndings(" ")}); choose another place");
        }
    }
}
