using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Autodiff.Steps;
using OnnxTrainer.Data;
using OnnxTrainer.Data.Augmentation;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Training.Checkpoints;
using OnnxTrainer.Training.Export;
using OnnxTrainer.Training.Fitting;
using OnnxTrainer.Training.Networks;
using OnnxTrainer.Training.Reports;

namespace OnnxTrainer.Training.Jobs;

/// <summary>
/// A whole training run: load data, build the model, train with a checkpoint after every epoch, then write
/// DIR/model.onnx, DIR/checkpoint.safetensors, DIR/history.json and DIR/curves.png and evaluate on the test set.
/// </summary>
public static class TrainJob
{
    public const string ModelFile = "model.onnx";
    public const string CheckpointFile = "checkpoint.safetensors";
    public const string HistoryFile = "history.json";
    public const string CurvesFile = "curves.png";

    public static TrainResult Run(TrainRequest request, TextWriter log)
    {
        string dir = request.OutDir;
        string checkpointPath = Path.Combine(dir, CheckpointFile);
        RunFolder.Prepare(dir, [ModelFile, CheckpointFile, HistoryFile, CurvesFile]);
        if (!request.Resume && File.Exists(checkpointPath))
            throw new ArgumentException($"'{dir}' already holds a run ({CheckpointFile}); pass --resume to continue it, or choose another --out.");
        if (request.Resume && !File.Exists(checkpointPath))
            throw new ArgumentException($"--resume: there is no {CheckpointFile} in '{dir}' to continue from.");
        if (request.ValidationSplit is < 0 or >= 1)
            throw new ArgumentException($"--validation-split must be in [0, 1), got {request.ValidationSplit}.");
        request.Fit.Validate();

        var spec = DataSpec.Parse(request.Data);
        var input = NetworkFactory.InputShape(request.Recipe); // (H, W, C): image folders are resized to it
        var (train, validation, test) = spec.Open(new SourceOptions
        {
            Input = ((int)input[0], (int)input[1], (int)input[2]),
            ValidationSplit = request.ValidationSplit,
            Augment = request.Augment is null ? null : AugmentOptions.Parse(request.Augment),
            SkipBadFiles = request.SkipBadImages,
        }, log);
        log.WriteLine($"Data: {spec}: {train.Count} training, {validation?.Count ?? 0} validation, {test?.Count ?? 0} test images, {train.ClassNames.Count} classes{(request.Augment is null ? "" : ", training data augmented")}.");

        Checkpoint? checkpoint = request.Resume ? Checkpoint.Load(checkpointPath) : null;
        var recipe = Complete(request.Recipe, input, train) with { BatchNorm = request.Recipe.BatchNorm ?? (request.WeightsPath is null ? "train" : "frozen") };
        var run = new RunDescription(recipe, request.Optimizer, request.Loss ?? "", request.Fit.Seed, request.Fit.BatchSize, request.Fit.LearningRate, spec.ToString());
        if (checkpoint is not null)
        {
            var saved = RunDescription.FromJson(checkpoint.Run, checkpointPath);
            if (!saved.Recipe.SameArchitecture(recipe) || saved.Optimizer != run.Optimizer || saved.Seed != run.Seed || saved.BatchSize != run.BatchSize)
                throw new ArgumentException(
                    $"--resume: '{checkpointPath}' was written by another run ({saved.Recipe.Model}, optimizer {saved.Optimizer}, seed {saved.Seed}, batch {saved.BatchSize}); " +
                    $"this one is {recipe.Model}, optimizer {run.Optimizer}, seed {run.Seed}, batch {run.BatchSize}.");
        }

        if (!recipe.IsFile)
        {
            var model = recipe.Build(); // layer shapes only: the parameters' sizes are checked before any is allocated
            Memory.MemoryBudget.CheckParameters(model.Name, model.AllParams.Select(p => (p.Name, p.Count)), request.Fit.MaxMemory);
        }
        var network = NetworkFactory.Build(recipe, request.Fit.Seed, checkpoint is null ? request.WeightsPath : null, log);
        CheckClasses(network, train);
        if (checkpoint is not null) network = network.WithWeights(FromCheckpoint(checkpoint, network, checkpointPath), checkpointPath);
        network = network with { ClassNames = train.ClassNames };
        var loss = request.Loss is null ? Targets.DefaultLoss(network) : Loss.Parse(request.Loss);
        var optimizer = Optimizer.Create(request.Optimizer);

        var fit = request.Fit with { CheckpointPath = checkpointPath, Augment = request.Augment is not null };
        using var trainer = new Trainer(network, loss, optimizer, fit, log); // refuses a step that cannot fit in memory
        Directory.CreateDirectory(dir);
        if (checkpoint is not null)
        {
            trainer.Restore(checkpoint);
            log.WriteLine($"Resuming after epoch {checkpoint.Epoch} (step {checkpoint.Step}) from {checkpointPath}.");
        }
        var history = trainer.Fit(train, validation, run.ToJson());

        string modelPath = Path.Combine(dir, ModelFile);
        Exporter.Save(trainer.Network, modelPath);
        string historyPath = Path.Combine(dir, HistoryFile);
        AtomicText.Write(historyPath, history.ToJson());
        string curvesPath = Path.Combine(dir, CurvesFile);
        Curves.Save(history, curvesPath, network.Name, request.SmoothCurves);
        var (testLoss, testAcc) = test is null ? (double.NaN, double.NaN) : trainer.Evaluate(test);
        return new TrainResult(modelPath, checkpointPath, historyPath, curvesPath, testLoss, testAcc, history, test?.Count ?? 0);
    }

    /// <summary>Fills what the data decides: the input shape, and the classes of a head (1 sigmoid unit for two classes).</summary>
    private static ModelRecipe Complete(ModelRecipe recipe, long[] input, IExampleSource train)
    {
        int? classes = recipe.Classes;
        if (classes is null && recipe.Head is not null) classes = train.ClassNames.Count == 2 ? 1 : train.ClassNames.Count;
        return recipe with { InputShape = input, Classes = classes };
    }

    private static void CheckClasses(Network network, IExampleSource train)
    {
        long units = network.Units;
        bool fits = units == 1 ? train.ClassNames.Count == 2 : units == train.ClassNames.Count;
        if (!fits)
            throw new ArgumentException(
                $"Model '{network.Name}' has {(units == 1 ? "one sigmoid output (2 classes)" : $"{units} outputs")}, but the data has {train.ClassNames.Count} classes; pass --classes {(train.ClassNames.Count == 2 ? 1 : train.ClassNames.Count)}.");
    }

    private static Weights FromCheckpoint(Checkpoint checkpoint, Network network, string path)
    {
        var w = new Weights();
        var missing = new List<string>();
        foreach (var p in network.Parameters)
            if (checkpoint.Tensors.TryGetValue(p.Name, out var t)) w.Set(t);
            else missing.Add(p.Name);
        if (missing.Count > 0)
            throw new InvalidDataException($"Checkpoint '{path}' lacks weights of model '{network.Name}': {string.Join(", ", missing)}.");
        return w;
    }
}
