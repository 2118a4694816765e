using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Steps;
using OnnxTrainer.Data;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Training.Networks;
using OnnxTrainer.Training.Export;
using OnnxTrainer.Training.Import;
using OnnxTrainer.Training.Jobs;
using OnnxTrainer.Training.Reports;

namespace OnnxTrainer.Training.Transfer;

/// <summary>The train command's transfer-learning options.</summary>
public sealed record TransferRequest
{
    /// <summary>Fast feature extraction: run the frozen base once, keep its features in this folder, train the head on them.</summary>
    public string? FeaturesCache { get; init; }

    /// <summary>Fine-tuning epochs after the head is trained (a second phase, trainable from the recipe's TrainableFrom).</summary>
    public int? FineTuneEpochs { get; init; }

    /// <summary>Learning rate of the fine-tuning phase (default: a tenth of the first phase's).</summary>
    public double? FineTuneLearningRate { get; init; }

    public bool Applies => FeaturesCache is not null || FineTuneEpochs is not null;
}

/// <summary>
/// Transfer learning as the chapter does it, on top of <see cref="TrainJob"/>:
/// <list type="bullet">
/// <item>with a features cache and no fine-tuning, listings 5.17-5.18: features of the frozen base (cached), a head
/// trained on them, and base + head exported as one model.onnx;</item>
/// <item>with fine-tune epochs, listings 5.20-5.23 in one command: phase 1 trains the head on the frozen base (end to
/// end, with augmentation if asked, or on cached features) into OUT/head/; phase 2 starts from its model, makes the
/// layers from --trainable-from on trainable, and trains on at the fine-tuning learning rate with a fresh optimizer
/// (Keras recompiles) into OUT/. --resume continues whichever phase was interrupted.</item>
/// </list>
/// </summary>
public static class TransferJob
{
    public const string HeadFolder = "head";

    public static TrainResult Run(TrainRequest request, TransferRequest transfer, TextWriter log)
    {
        if (transfer.FineTuneEpochs is null) return FeatureExtractionRun(request, transfer.FeaturesCache!, log);

        if (transfer.FineTuneEpochs < 1) throw new ArgumentException($"--fine-tune-epochs must be at least 1, got {transfer.FineTuneEpochs}.");
        if (request.Recipe.TrainableFrom is not { } layer)
            throw new ArgumentException("--fine-tune-epochs needs --trainable-from LAYER: the first layer to unfreeze after the head is trained (block5_conv1 in listing 5.22).");
        if (request.Recipe.Head is null)
            throw new ArgumentException("--fine-tune-epochs needs a base with a head (--head): phase 1 trains the head on the frozen base.");
        double lr = transfer.FineTuneLearningRate ?? request.Fit.LearningRate / 10;
        if (!(lr > 0) || double.IsInfinity(lr)) throw new ArgumentException($"--fine-tune-lr must be a positive number, got {lr}.");

        string headDir = Path.Combine(request.OutDir, HeadFolder);
        string headModel = Path.Combine(headDir, TrainJob.ModelFile);
        var phase1 = request with { Recipe = request.Recipe with { FreezeBase = true, TrainableFrom = null }, OutDir = headDir };
        if (request.Resume && !File.Exists(Path.Combine(request.OutDir, TrainJob.CheckpointFile)) && !File.Exists(Path.Combine(headDir, TrainJob.CheckpointFile)))
            throw new ArgumentException($"--resume: '{request.OutDir}' has no checkpoint of either phase.");
        bool phase1Done = request.Resume && File.Exists(headModel) && File.Exists(Path.Combine(request.OutDir, TrainJob.CheckpointFile));
        if (!phase1Done)
        {
            bool resumePhase1 = request.Resume && File.Exists(Path.Combine(headDir, TrainJob.CheckpointFile));
            log.WriteLine($"Phase 1: train the head on the frozen base ({request.Fit.Epochs} epochs, lr {request.Fit.LearningRate}) into {headDir}.");
            var first = transfer.FeaturesCache is { } cache
                ? FeatureExtractionRun(phase1 with { Resume = resumePhase1 }, cache, log)
                : TrainJob.Run(phase1 with { Resume = resumePhase1 }, log);
            log.WriteLine(FormattableString.Invariant($"Phase 1 test_loss: {first.TestLoss:0.0000} - test_acc: {first.TestAcc:0.0000}"));
        }
        log.WriteLine($"Phase 2: fine-tune from {layer} ({transfer.FineTuneEpochs} epochs, lr {lr}) into {request.OutDir}.");
        return TrainJob.Run(request with
        {
            WeightsPath = headModel,
            Fit = request.Fit with { Epochs = transfer.FineTuneEpochs.Value, LearningRate = lr },
            Resume = request.Resume && File.Exists(Path.Combine(request.OutDir, TrainJob.CheckpointFile)),
        }, log);
    }

    /// <summary>Listings 5.17-5.18 with the train command's outputs: model.onnx (base + head), the head's checkpoint, history.json, curves.png, test metrics.</summary>
    private static TrainResult FeatureExtractionRun(TrainRequest request, string cacheDir, TextWriter log)
    {
        string dir = request.OutDir;
        string checkpointPath = Path.Combine(dir, TrainJob.CheckpointFile);
        if (request.Resume)
            throw new ArgumentException("--resume with --features-cache: training a head on cached features takes seconds; run it again into a new --out (the features are reused).");
        if (File.Exists(checkpointPath))
            throw new ArgumentException($"'{dir}' already holds a run ({TrainJob.CheckpointFile}); choose another --out.");
        if (request.Recipe.Head is null)
            throw new ArgumentException("--features-cache needs a base with a head (for example vgg16-base --head dense256-dropout): the head trains on the base's features.");
        if (request.ValidationSplit is < 0 or >= 1)
            throw new ArgumentException($"--validation-split must be in [0, 1), got {request.ValidationSplit}.");
        request.Fit.Validate();

        if (request.Recipe.TrainableFrom is { } layer)
            throw new ArgumentException($"--features-cache trains the head on features of the frozen base; --trainable-from {layer} needs --fine-tune-epochs N (a second phase).");
        if (request.Augment is not null)
            throw new ArgumentException("--features-cache runs the base once per image, so the training data cannot be augmented (listing 5.17); drop --augment, or train end to end with --freeze-base.");
        var spec = DataSpec.Parse(request.Data);
        var input = request.Recipe.Build().InputShape; // (H, W, C): image folders are resized to it
        var (train, validation, test) = spec.Open(new SourceOptions
        {
            Input = ((int)input[0], (int)input[1], (int)input[2]),
            ValidationSplit = request.ValidationSplit,
            SkipBadFiles = request.SkipBadImages,
        }, log);
        int classes = train.ClassNames.Count;
        log.WriteLine($"Data: {spec}: {train.Count} training, {validation?.Count ?? 0} validation, {test?.Count ?? 0} test images, {classes} classes.");

        var recipe = request.Recipe with
        {
            FreezeBase = true,
            TrainableFrom = null,
            Classes = request.Recipe.Classes ?? (classes == 2 ? 1 : classes),
        };
        var network = NetworkFactory.Build(recipe, request.Fit.Seed, request.WeightsPath, log) with { ClassNames = train.ClassNames };
        var loss = request.Loss is null ? Targets.DefaultLoss(network) : Loss.Parse(request.Loss);
        if (request.WeightsPath is null) log.WriteLine("Warning: no --weights: the base's features come from random weights.");

        Directory.CreateDirectory(dir);
        string dataKey = $"{spec}|split={request.ValidationSplit}";
        var result = FeatureExtraction.Fit(network, train, validation, test, dataKey, loss, request.Optimizer, request.Fit with { CheckpointPath = checkpointPath, Augment = false },
            cacheDir, log);

        string modelPath = Path.Combine(dir, TrainJob.ModelFile);
        Exporter.Save(result.Network, modelPath);
        string historyPath = Path.Combine(dir, TrainJob.HistoryFile);
        AtomicText.Write(historyPath, result.History.ToJson());
        string curvesPath = Path.Combine(dir, TrainJob.CurvesFile);
        Curves.Save(result.History, curvesPath, network.Name + " (feature extraction)", request.SmoothCurves);
        var (testLoss, testAcc) = result.Test ?? (double.NaN, double.NaN);
        return new TrainResult(modelPath, checkpointPath, historyPath, curvesPath, testLoss, testAcc, result.History, test?.Count ?? 0);
    }
}
