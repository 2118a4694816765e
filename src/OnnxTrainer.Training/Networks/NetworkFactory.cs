using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
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
        var model = (recipe with { FreezeBase = false, TrainableFrom = null }).Build();
        var network = ZooNetwork.Initialize(model, seed, ExportInfo.ZooName(recipe));
        if (weightsPath is not null) network = network.WithWeights(WeightFiles.Load(weightsPath, network, seed, log).Weights, weightsPath);
        return Configure(network, recipe, pretrained: weightsPath is not null);
    }

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
