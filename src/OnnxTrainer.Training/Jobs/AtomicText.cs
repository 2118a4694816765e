namespace OnnxTrainer.Training.Jobs;

/// <summary>Writes a text file through a temporary file and a rename, so readers never see half of it.</summary>
public static class AtomicText
{
    public static void Write(string path, string text)
    {
        string tmp = path + ".tmp";
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        using (var w = new StreamWriter(f))
        {
            w.Write(text);
            w.Flush();
            f.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }
}
