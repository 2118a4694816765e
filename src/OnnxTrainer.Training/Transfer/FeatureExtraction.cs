using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Data;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Training.Fitting;

namespace OnnxTrainer.Training.Transfer;

/// <summary>A trained base + head: the whole network with its trained head, the head's history and, when test data was given, its test metrics.</summary>
public sealed record TransferResult(Network Network, History History, (double Loss, double Acc)? Test);

/// <summary>
/// Fast feature extraction (listings 5.17-5.18): the frozen base runs once over each data set (cached on disk when a
/// folder is given), the head (the network above the cut: its input is the base's output) trains on those features,
/// and the base's and the head's weights together are the weights of the whole network, exported as one graph.
/// </summary>
public static class FeatureExtraction
{
    /// <summary>
    /// Trains <paramref name="network"/>'s head on the features of its frozen base (cut where the head starts).
    /// <paramref name="dataKey"/> names the data for the cache.
    /// </summary>
    public static TransferResult Fit(Network network, IExampleSource train, IExampleSource? validation, IExampleSource? test,
        string dataKey, LossKind loss, string optimizer, FitOptions fit, string? cacheDir, TextWriter log)
    {
        var cut = NetworkCut.AtHead(network);
        FeatureSet Features(IExampleSource data, string split) =>
            FeatureCache.Extract(cut.Base, data, $"{dataKey}:{split}", fit.BatchSize, cacheDir, log, fit.Device, fit.Threads);
        var trainFeatures = Features(train, "train");
        var validationFeatures = validation is null ? null : Features(validation, "validation");
        var testFeatures = test is null ? null : Features(test, "test");

        // The head's own export would lack the base: model checkpoints of the whole model are written by the caller.
        using var trainer = new Trainer(cut.Head.Unfrozen(), loss, Optimizer.Create(optimizer), fit with { ModelCheckpoint = null }, log);
        var history = trainer.Fit(trainFeatures, validationFeatures);
        var trained = trainer.CurrentWeights();
        var all = network.CurrentWeights();
        foreach (var w in trained.All) all.Set(w);
        return new TransferResult(network.WithWeights(all), history, testFeatures is null ? null : trainer.Evaluate(testFeatures));
    }
}
