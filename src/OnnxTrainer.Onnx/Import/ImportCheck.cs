using Onnx;

namespace OnnxTrainer.Onnx.Import;

/// <summary>
/// Refusals that need only the ModelProto: IR version, opset, domains, ops, sparse initializers. Each is one
/// <see cref="ImportException"/> naming the file and what to do.
/// </summary>
internal static class ImportCheck
{
    public const int MinIrVersion = 3;
    public const int MinOpset = 7;

    /// <summary>The file's default-domain opset, after every check passed.</summary>
    public static int Validate(ModelProto model, string source, ImportOptions options)
    {
        if (model.Graph is null) throw new ImportException($"{source}: the file holds no graph; is it an ONNX model?");
        if (model.IrVersion < MinIrVersion)
            throw new ImportException($"{source}: IR version {model.IrVersion} is older than IR {MinIrVersion}; convert the model with a newer exporter first.");
        var opset = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        if (opset is null) throw new ImportException($"{source}: the model imports no opset of the default ONNX domain.");
        if (opset.Version < MinOpset)
            throw new ImportException($"{source}: opset {opset.Version} is older than opset {MinOpset}; convert the model to opset {MinOpset} or later first.");
        var g = model.Graph;
        if (g.SparseInitializer.Count > 0)
            throw new ImportException($"{source}: sparse initializer '{g.SparseInitializer[0].Values?.Name}' is not supported; store the weights as dense initializers.");
        foreach (var t in g.Initializer.Where(t => !Enum.IsDefined((ElementType)t.DataType)))
            throw new ImportException(
                $"{source}: initializer '{t.Name}' has element type {(TensorProto.Types.DataType)t.DataType}; only float, int32, int64, uint8 and bool weights are supported.");
        foreach (var n in g.Node)
        {
            string where = $"{source}: node '{Label(n)}'";
            if (n.Output.Count == 0 || n.Output[0].Length == 0)
                throw new ImportException($"{where} ({n.OpType}) has no output; the file is malformed.");
            if (n.Domain is not ("" or "ai.onnx"))
                throw new ImportException(
                    $"{where} uses op '{n.OpType}' of domain '{n.Domain}'; only the default ONNX domain is supported. Cut the network before it with {options.CutHint} (its inputs: {Inputs(n)}).");
            if (n.OpType == "Upsample")
                throw new ImportException(
                    $"{where} uses Upsample, deprecated since opset 10 and not supported; re-export the model with Resize, or cut the network before it with {options.CutHint} (its inputs: {Inputs(n)}).");
            if (!SupportedOps.All.Contains(n.OpType))
                throw new ImportException(
                    $"{where} uses op '{n.OpType}', which the importer does not support (supported: {SupportedOps.List}). Cut the network before it with {options.CutHint} (its inputs: {Inputs(n)}).");
        }
        return (int)opset.Version;
    }

    public static string Label(NodeProto n) => n.Name.Length > 0 ? n.Name : n.Output.FirstOrDefault() ?? n.OpType;

    private static string Inputs(NodeProto n) => string.Join(", ", n.Input.Where(i => i.Length > 0));
}
