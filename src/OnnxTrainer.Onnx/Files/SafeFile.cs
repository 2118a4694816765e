using System.Security.Cryptography;
using System.Text;

namespace OnnxTrainer.Onnx.Files;

/// <summary>
/// The one way the product writes a file: the target's type is checked first (a regular file or nothing is replaced,
/// a symbolic link to a regular file is written through, a folder, device, FIFO or socket is refused before any work),
/// the bytes go to a temporary file unique to this writer in the target's folder (<c>.NAME.PID.RANDOM.tmp</c>), are
/// flushed to disk, and the temporary file is renamed over the target, so readers see the old file or the new one.
/// Temporaries left by killed writers are removed by the next write to the same folder and name.
/// This file is compiled into OnnxTrainer.Onnx (public) and into the runtime library (internal), which references none of our projects.
/// </summary>
#if ONNXTRAINER_RUNTIME
internal
#else
public
#endif
static class SafeFile
{
    /// <summary>The longest file name Linux file systems take, in bytes (NAME_MAX).</summary>
    public const int MaxNameBytes = 255;

    private const string TempSuffix = ".tmp";

    // Room for "." + "." + pid (up to 10 digits) + "." + 8 hex digits + ".tmp" around the target's (shortened) name.
    private const int TempOverheadBytes = 1 + 1 + 10 + 1 + 8 + 4;

    /// <summary>
    /// The file that a write to <paramref name="path"/> replaces: the full path itself, or the final target of a
    /// symbolic link that points to a regular file (or to nothing, in an existing folder).
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="what">Names the path in errors, for example "--out" or "checkpoint".</param>
    /// <exception cref="ArgumentException">The path is a folder, a device, a FIFO or a socket, lies in a missing folder, or its name is not UTF-8.</exception>
    public static string CheckTarget(string path, string what = "output file")
    {
        ArgumentNullException.ThrowIfNull(path);
        FileNames.CheckUtf8(path, what);
        string full = Path.GetFullPath(path);
        if (Path.EndsInDirectorySeparator(path) || full == Path.GetPathRoot(full))
            throw new ArgumentException($"{what} expects a file path; '{path}' is a folder.");
        string target = full;
        var kind = FileKinds.Of(full, followLinks: false);
        if (kind == FileKind.SymbolicLink)
        {
            FileSystemInfo? final;
            try
            {
                final = File.ResolveLinkTarget(full, returnFinalTarget: true);
            }
            catch (IOException e)
            {
                throw new ArgumentException($"{what}: cannot follow the symbolic link '{path}': {e.Message}", e);
            }
            target = final is null ? full : Path.GetFullPath(final.FullName);
            kind = FileKinds.Of(target, followLinks: false);
            if (kind is not (FileKind.Regular or FileKind.Missing))
                throw new ArgumentException($"{what} expects a regular file; '{path}' is a symbolic link to '{target}', which is {FileKinds.Describe(kind)}; refusing to replace it.");
        }
        if (kind == FileKind.Directory)
            throw new ArgumentException($"{what} expects a file path; '{path}' is a folder.");
        if (kind is not (FileKind.Regular or FileKind.Missing))
            throw new ArgumentException($"{what} expects a regular file; '{path}' is {FileKinds.Describe(kind)}; refusing to replace it.");
        string folder = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(folder))
            throw new ArgumentException($"{what} expects a file in an existing folder; folder '{folder}' does not exist.");
        if (Encoding.UTF8.GetByteCount(Path.GetFileName(target)) > MaxNameBytes)
            throw new ArgumentException($"{what}: the file name of '{path}' is {Encoding.UTF8.GetByteCount(Path.GetFileName(target))} bytes; file systems take at most {MaxNameBytes}.");
        return target;
    }

    /// <summary>Writes what <paramref name="write"/> puts in the stream to <paramref name="path"/> (checked, then atomically replaced).</summary>
    /// <exception cref="ArgumentException">The target is refused (see <see cref="CheckTarget"/>).</exception>
    /// <exception cref="IOException">Writing or renaming failed (for example a full disk); the target is left as it was.</exception>
    public static void Write(string path, Action<Stream> write, string what = "output file")
    {
        ArgumentNullException.ThrowIfNull(write);
        string target = CheckTarget(path, what);
        string folder = Path.GetDirectoryName(target)!;
        string name = Path.GetFileName(target);
        CleanStale(folder, name);
        string tmp = Path.Combine(folder, TempName(name));
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true); // fsync before the rename: after a crash the target is the old file or the whole new one
            }
            if (!OperatingSystem.IsWindows() && File.Exists(target))
                File.SetUnixFileMode(tmp, File.GetUnixFileMode(target)); // a replaced file keeps its permissions
            File.Move(tmp, target, overwrite: true); // rename(2)
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> (checked, then atomically replaced).</summary>
    /// <exception cref="ArgumentException">The target is refused (see <see cref="CheckTarget"/>).</exception>
    public static void WriteAllBytes(string path, byte[] bytes, string what = "output file")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, s => s.Write(bytes), what);
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte order mark) to <paramref name="path"/> (checked, then atomically replaced).</summary>
    /// <exception cref="ArgumentException">The target is refused (see <see cref="CheckTarget"/>).</exception>
    public static void WriteAllText(string path, string text, string what = "output file") =>
        WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text), what);

    /// <summary>
    /// Deletes this product's temporaries in <paramref name="folder"/> (for the file <paramref name="name"/> only, or all
    /// when it is null) whose writer process is gone. Returns how many were deleted.
    /// </summary>
    public static int CleanStale(string folder, string? name = null)
    {
        if (!Directory.Exists(folder) || !Directory.Exists("/proc/self")) return 0; // liveness is read from /proc
        string pattern = name is null ? "." + "*" + TempSuffix : "." + Shorten(name) + ".*" + TempSuffix;
        int deleted = 0;
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(folder, pattern).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        foreach (string file in candidates)
        {
            if (WriterOf(Path.GetFileName(file)) is not { } pid || pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}")) continue;
            if (FileKinds.Of(file, followLinks: false) != FileKind.Regular) continue;
            try
            {
                File.Delete(file);
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return deleted;
    }

    /// <summary>A new temporary name for <paramref name="name"/>: <c>.NAME.PID.RANDOM.tmp</c>, at most 255 bytes.</summary>
    public static string TempName(string name) =>
        $".{Shorten(name)}.{Environment.ProcessId}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}{TempSuffix}";

    /// <summary>The process id in a temporary name made by <see cref="TempName"/>, or null for any other name.</summary>
    public static int? WriterOf(string fileName)
    {
        if (!fileName.StartsWith('.') || !fileName.EndsWith(TempSuffix, StringComparison.Ordinal)) return null;
        string[] parts = fileName[..^TempSuffix.Length].Split('.');
        if (parts.Length < 4 || parts[^1].Length != 8 || !parts[^1].All(Uri.IsHexDigit)) return null;
        return int.TryParse(parts[^2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;
    }

    // The target's name cut (at a character boundary) so that the temporary name fits in 255 bytes.
    private static string Shorten(string name)
    {
        int budget = MaxNameBytes - TempOverheadBytes;
        if (Encoding.UTF8.GetByteCount(name) <= budget) return name;
        var sb = new StringBuilder();
        int used = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > budget) break;
            used += rune.Utf8SequenceLength;
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }
}
