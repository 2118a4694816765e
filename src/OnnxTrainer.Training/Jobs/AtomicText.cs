using OnnxTrainer.Onnx.Files;

namespace OnnxTrainer.Training.Jobs;

/// <summary>Writes a text file (UTF-8) through <see cref="SafeFile"/>, so readers never see half of it.</summary>
public static class AtomicText
{
    public static void Write(string path, string text) => SafeFile.WriteAllText(path, text, "text file");
}
