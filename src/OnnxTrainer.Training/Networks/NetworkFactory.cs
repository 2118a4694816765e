using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;
using OnnxTrainer.Onnx.Import;
using OnnxTrainer.Training.Export;
using OnnxTrainer.Training.Import;

namespace OnnxTrainer.Training.Networks;

/// <summary>
/// The network a recipe describes, with its weights: a zoo model (and head) with weights from a file or freshly
/// initialized from the seed, then frozen by name (--freeze-base, --trainable-from) and given its batch-norm mode.
/// </summary>
public static class NetworkFactory
{
    /// <summary>
    /// Builds the recipe's network. Weights come from <paramref name="weightsPath"/> (any format <see cref="WeightFiles"/>
    /// reads; a head the file lacks keeps its seeded initialization), else from <paramref name="seed"/>. Batch
    /// normalization trains with batch statistics from scratch and stays in inference mode when fine-tuning pretrained
    /// weights, unless the recipe says otherwise.
    /// </summary>
    public static Network Build(ModelRecipe recipe, long seed, string? weightsPath = null, TextWriter? log = null)
    {
        if (recipe.FreezeBase && recipe.TrainableFrom is not null)
            throw new ModelException($"--freeze-base and --trainable-from {recipe.TrainableFrom} contradict each other; give one of them.");
        Network network;
        if (recipe.IsFile) network = FromFile(recipe, seed, log);
        else
        {
            if (recipe.Cut is not null) throw new ModelException($"--cut {recipe.Cut} applies to an imported .onnx model; zoo model '{recipe.Model}' takes --head on its base.");
            network = ZooNetwork.Initialize((recipe with { FreezeBase = false, TrainableFrom = null }).Build(), seed, ExportInfo.ZooName(recipe));
        }
        if (weightsPath is not null) network = network.WithWeights(WeightFiles.Load(weightsPath, network, seed, log).Weights, weightsPath);
        return Configure(network, recipe, pretrained: weightsPath is not null || recipe.IsFile);
    }

    /// <summary>Keras input shape (H, W, C) of the recipe's network: what image folders are resized to.</summary>
    public static long[] InputShape(ModelRecipe recipe) =>
        recipe.IsFile ? recipe.InputShape ?? Import(recipe, null).Input.KerasShape : recipe.Build().InputShape;

    /// <summary>
    /// An ONNX image model from a file (any opset from 7; see <see cref="OnnxImporter"/>) with its preprocessing in
    /// front (--preprocessing NAME or FILE.onnx; default none: the file's own input), cut at --cut, with --head on it.
    /// Asking for another input size turns a pooling window that fits only the file's size into global pooling.
    /// </summary>
    private static Network FromFile(ModelRecipe recipe, long seed, TextWriter? log)
    {
        var network = Import(recipe, log);
        if (recipe.Cut is { } cut) network = NetworkCut.At(network, cut).Base with { Name = network.Name };
        if (recipe.Head is { } head)
            network = HeadOnNetwork.Append(network, head, Zoo.FindHead(head).Build(recipe.Classes ?? 1), seed);
        else if (recipe.Classes is not null)
            throw new ModelException($"--classes {recipe.Classes} needs a head on '{recipe.Model}' (--head gap-dense).");
        return network;
    }

    private static Network Import(ModelRecipe recipe, TextWriter? log)
    {
        string path = recipe.Model;
        if (!File.Exists(path)) throw new ModelException($"Model file '{path}' does not exist (expected a zoo model name or an .onnx file).");
        var size = recipe.InputShape;
        var imported = Import(path, new ImportOptions
        {
            Height = size is null ? null : (int)size[0],
            Width = size is null ? null : (int)size[1],
            GlobalPooling = size is not null,
            GlobalPoolingHint = "--input-shape (another size turns it into global pooling)",
            CutHint = "--cut VALUE",
        });
        if (size is not null && size[2] != imported.Channels)
            throw new ModelException($"--input-shape {string.Join(",", size)}: '{path}' takes {imported.Channels} channel(s).");
        foreach (var change in imported.Changes) log?.WriteLine($"Import: {change}");
        var network = FileNetwork.FromGraph(imported.Graph, Path.GetFileNameWithoutExtension(path)) with { BatchNormMode = BatchNormMode.Frozen };
        string preprocessing = recipe.Preprocessing ?? "none";
        if (preprocessing.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(preprocessing)) throw new ModelException($"--preprocessing file '{preprocessing}' does not exist.");
            var pre = Import(preprocessing, new ImportOptions
            {
                Height = (int)network.Input.ExampleDims[1],
                Width = (int)network.Input.ExampleDims[2],
                CutHint = "a preprocessing graph without that op",
            });
            return InputPreprocessing.Prepend(network, Path.GetFileName(preprocessing), pre.Graph);
        }
        return InputPreprocessing.Prepend(network, PreprocessingGraph.Parse(preprocessing).Name());
    }

    private static ImportedModel Import(string path, ImportOptions options)
    {
        try
        {
            return OnnxImporter.Import(path, options);
        }
        catch (ImportException e)
        {
            throw new ModelException(e.Message);
        }
    }

    /// <summary>
    /// The recipe with its preprocessing decided: as given, else what suits the weights file (Keras .h5: caffe,
    /// torchvision/timm: torch, our files: what they recorded) for the model's input channels, else the model's own.
    /// Recorded in the recipe so that a resumed run (which reads no weights file) builds the same graph.
    /// </summary>
    public static ModelRecipe WithWeightsPreprocessing(ModelRecipe recipe, string? weightsPath) =>
        recipe.Preprocessing is null && weightsPath is not null
            ? recipe with { Preprocessing = WeightFiles.PreprocessingOf(weightsPath, InputShape(recipe)[2]).Name() }
            : recipe;

    /// <summary>The network with the recipe's frozen parameters and batch-norm mode.</summary>
    public static Network Configure(Network network, ModelRecipe recipe, bool pretrained)
    {
        if (recipe.FreezeBase) network = network.FreezeBase();
        if (recipe.TrainableFrom is { } from) network = network.TrainableFrom(from);
        var mode = recipe.BatchNorm is { } text ? ParseBatchNormMode(text) : pretrained ? BatchNormMode.Frozen : BatchNormMode.Train;
        return network.WithBatchNormMode(mode);
    }

    public static BatchNormMode ParseBatchNormMode(string text) => text.ToLowerInvariant() switch
    {
        "frozen" => BatchNormMode.Frozen,
        "train" => BatchNormMode.Train,
        _ => throw new ModelException($"--bn-mode expects frozen or train, got '{text}'."),
    };
}
