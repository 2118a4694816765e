using OnnxTrainer.Onnx.Files;

namespace OnnxTrainer.Training.Checkpoints;

/// <summary>
/// A run's --out folder before training starts: it must be a folder or not exist yet, and the temporary files a killed
/// run left behind (ours only: <c>.NAME.PID.RANDOM.tmp</c> of a dead process, and the <c>NAME.tmp</c> that earlier versions
/// used for the run's own files) are removed. A kill loses at most the epoch in progress; the files themselves are never partial.
/// </summary>
public static class RunFolder
{
    /// <summary>Checks <paramref name="dir"/> and removes stale temporaries of <paramref name="runFiles"/>; returns how many were removed.</summary>
    public static int Prepare(string dir, IEnumerable<string> runFiles)
    {
        FileNames.CheckUtf8(dir, "--out");
        var kind = FileKinds.Of(dir, followLinks: true);
        if (kind is not (FileKind.Directory or FileKind.Missing))
            throw new ArgumentException($"--out expects a folder for the run; '{dir}' is {FileKinds.Describe(kind)}.");
        if (kind == FileKind.Missing) return 0;
        int removed = SafeFile.CleanStale(dir);
        foreach (string name in runFiles)
        {
            string legacy = Path.Combine(dir, name + ".tmp");
            if (FileKinds.Of(legacy, followLinks: false) != FileKind.Regular) continue;
            File.Delete(legacy);
            removed++;
        }
        return removed;
    }
}
