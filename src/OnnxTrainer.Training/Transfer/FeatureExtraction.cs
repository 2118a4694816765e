using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Data;
using OnnxTrainer.Models;
using OnnxTrainer.Training.Fitting;

namespace OnnxTrainer.Training.Transfer;

/// <summary>A trained base + head: all weights of the model, the head's history and, when test data was given, its test metrics.</summary>
public sealed record TransferResult(Weights Weights, History History, (double Loss, double Acc)? Test);

/// <summary>
/// Fast feature extraction (listings 5.17-5.18): the frozen base runs once over each data set (cached on disk when a
/// folder is given), a head model whose input is the base's output trains on those features, and the base's and the
/// head's weights together are the weights of the whole model, exported as one graph.
/// </summary>
public static class FeatureExtraction
{
    /// <summary>The head of a base + head model as a model of its own: input the base's output map, no preprocessing.</summary>
    public static Model Head(Model model)
    {
        if (model.BaseName is null)
            throw new ModelException($"Feature extraction needs a base with a head (for example vgg16-base --head dense256); model '{model.Name}' has none.");
        var input = model.Placed[model.BaseLayerCount - 1].Output;
        if (input.Length != 3)
            throw new ModelException($"Model '{model.Name}': the base's output ({string.Join(", ", input)}) is not a feature map (H, W, C).");
        return new Model(model.Name + "/head", input, model.Layers.Skip(model.BaseLayerCount).ToList(), preprocessing: Preprocessing.None);
    }

    /// <summary>The tensors of <paramref name="weights"/> that <paramref name="model"/> has, in its order.</summary>
    public static Weights Select(Weights weights, Model model)
    {
        var w = new Weights();
        foreach (var p in model.AllParams) w.Set(weights[p.Name]);
        return w;
    }

    /// <summary>
    /// Trains <paramref name="model"/>'s head on the features of its frozen base. <paramref name="weights"/> holds the
    /// base's weights (imported) and the head's initial ones; <paramref name="dataKey"/> names the data for the cache.
    /// </summary>
    public static TransferResult Fit(Model model, Weights weights, IExampleSource train, IExampleSource? validation, IExampleSource? test,
        string dataKey, LossKind loss, string optimizer, FitOptions fit, string? cacheDir, TextWriter log)
    {
        var baseModel = model.BaseOnly();
        var baseWeights = Select(weights, baseModel);
        var head = Head(model);
        FeatureSet Features(IExampleSource data, string split) =>
            FeatureCache.Extract(baseModel, baseWeights, data, $"{dataKey}:{split}", fit.BatchSize, cacheDir, log, fit.Device, fit.Threads);
        var trainFeatures = Features(train, "train");
        var validationFeatures = validation is null ? null : Features(validation, "validation");
        var testFeatures = test is null ? null : Features(test, "test");

        // The head's own export would lack the base: model checkpoints of the whole model are written by the caller.
        using var trainer = new Trainer(head, Select(weights, head), loss, Optimizer.Create(optimizer), fit with { ModelCheckpoint = null }, log);
        var history = trainer.Fit(trainFeatures, validationFeatures);
        var trained = trainer.CurrentWeights();
        var all = new Weights();
        foreach (var p in model.AllParams) all.Set(trained.Contains(p.Name) ? trained[p.Name] : baseWeights[p.Name]);
        return new TransferResult(all, history, testFeatures is null ? null : trainer.Evaluate(testFeatures));
    }
}
