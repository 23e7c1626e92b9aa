namespace NatPolicy.Experiments.Runs;

/// <summary>
/// One owner per output folder: <c>DIR/.natpolicy.lock</c> opened with <see cref="FileShare.None"/> (an exclusive
/// <c>flock</c> on Linux and macOS, a share-mode lock on Windows) and held until <see cref="Dispose"/> or the end of the
/// process. A second process (or a second acquisition in this process) is refused with a <see cref="RunException"/>
/// before it reads or writes anything else in the folder. The empty lock file stays in the folder (deleting it would
/// let two processes lock two different files); folders, --force and resume ignore it.
/// </summary>
public sealed class RunFolderLock : IDisposable
{
    /// <summary>The lock file's name inside the folder.</summary>
    public const string FileName = ".natpolicy.lock";

    private readonly FileStream _stream;

    private RunFolderLock(FileStream stream) => _stream = stream;

    /// <summary>
    /// Takes the folder (creating it when <paramref name="create"/>, else refusing a missing one). Throws
    /// <see cref="RunException"/> (exit 2) when another process holds it.
    /// </summary>
    public static RunFolderLock Acquire(string dir, bool create = true)
    {
        if (!Directory.Exists(dir))
        {
            if (!create) throw new RunException($"folder '{dir}' does not exist");
            Directory.CreateDirectory(dir);
        }
        string path = Path.Combine(dir, FileName);
        try
        {
            return new RunFolderLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new RunException($"folder '{dir}' is in use by another natpolicy process (it holds {FileName}); wait for it to finish or choose another --out");
        }
    }

    /// <summary>True when <paramref name="name"/> (a file name inside a folder) is the lock file.</summary>
    public static bool IsLockFile(string name) => Path.GetFileName(name) == FileName;

    public void Dispose() => _stream.Dispose();
}
