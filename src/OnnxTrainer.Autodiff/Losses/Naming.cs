using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Losses;

internal static class Naming
{
    /// <summary>
    /// Reserves the value name "&lt;scope&gt;/name" (made unique) and opens it as a scope, so a loss or metric and
    /// its nodes share one prefix.
    /// </summary>
    public static IDisposable Reserve(GraphBuilder b, string name, out string value)
    {
        value = b.Fresh(b.Prefixed(name));
        int prefix = b.CurrentScope.Length == 0 ? 0 : b.CurrentScope.Length + 1;
        return b.Scope(value[prefix..]);
    }
}
