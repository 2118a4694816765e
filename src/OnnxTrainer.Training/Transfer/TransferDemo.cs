using System.Globalization;
using System.Text.Json;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Autodiff.Steps;
using OnnxTrainer.Data;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx.Formats;
using OnnxTrainer.Training.Export;
using OnnxTrainer.Training.Fitting;
using OnnxTrainer.Training.Import;
using OnnxTrainer.Training.Jobs;
using OnnxTrainer.Training.Reports;

namespace OnnxTrainer.Training.Transfer;

/// <summary>What the transfer demo does; the defaults are the README's run.</summary>
public sealed record TransferDemoOptions
{
    /// <summary>The two classes of the small task; the other eight pretrain the base.</summary>
    public IReadOnlyList<string> Classes { get; init; } = ["T-shirt/top", "Shirt"];

    /// <summary>Training images per class of the small task (1,000 each: a 2,000-image set, as listing 5.4).</summary>
    public int PerClass { get; init; } = 1000;

    /// <summary>Validation images per class, taken after the training ones.</summary>
    public int ValidationPerClass { get; init; } = 500;

    public int PretrainEpochs { get; init; } = 3;
    public int Epochs { get; init; } = 10;
    public int FineTuneEpochs { get; init; } = 10;
    public string FineTuneFrom { get; init; } = "conv2d_3";
    public double LearningRate { get; init; } = 1e-3;
    public double FineTuneLearningRate { get; init; } = 5e-5;
    public int BatchSize { get; init; } = 20;
    public long Seed { get; init; } = 1;
    public string? FashionDirectory { get; init; }

    /// <summary>Listing 5.24: the curves also smoothed with this factor (raw points faint); null for raw only.</summary>
    public double? SmoothCurves { get; init; }

    public required string OutDir { get; init; }
}

/// <summary>One method's outcome on the small task.</summary>
public sealed record DemoResult(string Method, long TrainableParams, int Epochs, double TestLoss, double TestAcc, double Seconds);

/// <summary>
/// Transfer learning on real data that ships offline: mnist-convnet pretrained on eight Fashion-MNIST classes; then on
/// a 2,000-image set of the other two classes, the same network with a dense256 head trained from scratch, by feature
/// extraction on the pretrained conv stack (its features cached), and by fine-tuning the top conv layer after that,
/// each scored on the two classes' 2,000 test images.
/// </summary>
public static class TransferDemo
{
    private const string PretrainKey = "demo_pretraining";

    public static IReadOnlyList<DemoResult> Run(TransferDemoOptions o, TextWriter log)
    {
        if (o.Classes.Count != 2) throw new ArgumentException($"The demo's small task has two classes; got {o.Classes.Count}.");
        Directory.CreateDirectory(o.OutDir);
        var (allTrain, allTest) = FashionMnist.Load(o.FashionDirectory);
        var small = allTrain.SelectClasses(o.Classes);
        var train = small.PerClass(0, o.PerClass);
        var validation = small.PerClass(o.PerClass, o.ValidationPerClass);
        var test = allTest.SelectClasses(o.Classes);
        var pretrainTrain = allTrain.ExcludeClasses(o.Classes);
        var pretrainTest = allTest.ExcludeClasses(o.Classes);
        log.WriteLine($"Pretraining set: {pretrainTrain.Count} images of {string.Join(", ", pretrainTrain.ClassNames)}.");
        log.WriteLine($"Small task: {string.Join(" vs ", o.Classes)}: {train.Count} training, {validation.Count} validation, {test.Count} test images.");
        var fit = new FitOptions { BatchSize = o.BatchSize, Seed = o.Seed, LearningRate = o.LearningRate, Epochs = o.Epochs };
        var results = new List<DemoResult>();

        // 1. The base: mnist-convnet on the eight other classes.
        var pretrainModel = Zoo.Build("mnist-convnet", new ZooOptions { Classes = pretrainTrain.ClassCount });
        string pretrained = Path.Combine(o.OutDir, "pretrained.safetensors");
        var started = Now();
        // Pretraining is deterministic: a file from the same classes, epochs and seed is the same file, so reuse it.
        string pretrainKey = $"{string.Join(",", pretrainTrain.ClassNames)}|epochs={o.PretrainEpochs}|seed={o.Seed}|batch=64";
        if (File.Exists(pretrained) && Safetensors.Read(pretrained).Metadata.GetValueOrDefault(PretrainKey) == pretrainKey)
        {
            log.WriteLine($"== Pretrained base: reusing {pretrained} ({pretrainKey}).");
        }
        else
        {
            log.WriteLine($"== Pretraining {pretrainModel.Name} on 8 classes ({o.PretrainEpochs} epochs)");
            var pretrainNetwork = ZooNetwork.Initialize(pretrainModel, o.Seed);
            using var trainer = new Trainer(pretrainNetwork, Targets.DefaultLoss(pretrainNetwork),
                Optimizer.Create("rmsprop"), fit with { Epochs = o.PretrainEpochs, BatchSize = 64 }, log);
            trainer.Fit(new DatasetSource(pretrainTrain), null);
            var (_, acc) = trainer.Evaluate(new DatasetSource(pretrainTest));
            Safetensors.Write(pretrained, trainer.CurrentWeights().All, new Dictionary<string, string>
            {
                [WeightFiles.PreprocessingKey] = pretrainModel.Preprocessing.Name(),
                [PretrainKey] = pretrainKey,
            });
            log.WriteLine(Invariant($"Pretrained: test_acc {acc:0.0000} on the 8 classes ({Seconds(started):0} s); weights in {pretrained}."));
        }

        var headed = ZooNetwork.Initialize(Zoo.Build("mnist-convnet", new ZooOptions { Head = "dense256", Classes = 1 }), o.Seed, "mnist-convnet+dense256")
            with { ClassNames = test.ClassNames };
        var sources = (Train: new DatasetSource(train), Validation: new DatasetSource(validation), Test: new DatasetSource(test));

        // 2. From scratch: the same network, glorot-uniform weights.
        started = Now();
        log.WriteLine($"== From scratch: {headed.Name} ({o.Epochs} epochs)");
        using (var trainer = new Trainer(headed, Targets.DefaultLoss(headed), Optimizer.Create("rmsprop"), fit, log))
        {
            var history = trainer.Fit(sources.Train, sources.Validation);
            var (loss, acc) = trainer.Evaluate(sources.Test);
            Save(o.OutDir, "scratch", trainer.Network, history, o.SmoothCurves);
            results.Add(new DemoResult("from scratch", headed.TrainableParamCount, o.Epochs, loss, acc, Seconds(started)));
        }

        // 3. Feature extraction: the pretrained conv stack, frozen, run once; the head trains on its cached features.
        started = Now();
        var frozen = headed.FreezeBase();
        log.WriteLine($"== Feature extraction: {frozen.Name}, base from {pretrained} ({o.Epochs} epochs)");
        frozen = frozen.WithWeights(WeightFiles.Load(pretrained, frozen, o.Seed, log).Weights, pretrained);
        var fe = FeatureExtraction.Fit(frozen, sources.Train, sources.Validation, sources.Test,
            $"fashion-mnist:{string.Join(",", o.Classes)}:{o.PerClass}+{o.ValidationPerClass}", Targets.DefaultLoss(frozen), "rmsprop", fit,
            Path.Combine(o.OutDir, "features"), log);
        Save(o.OutDir, "feature-extraction", fe.Network, fe.History, o.SmoothCurves);
        results.Add(new DemoResult("feature extraction", frozen.TrainableParamCount, o.Epochs, fe.Test!.Value.Loss, fe.Test.Value.Acc, Seconds(started)));

        // 4. Fine-tuning: from the feature-extraction model, the top conv layer trains too, at a lower learning rate.
        started = Now();
        var tuned = fe.Network.TrainableFrom(o.FineTuneFrom);
        log.WriteLine($"== Fine-tuning from {o.FineTuneFrom}: {o.FineTuneEpochs} epochs at lr {o.FineTuneLearningRate.ToString(CultureInfo.InvariantCulture)}, after feature extraction");
        using (var trainer = new Trainer(tuned, Targets.DefaultLoss(tuned), Optimizer.Create("rmsprop"),
                   fit with { Epochs = o.FineTuneEpochs, LearningRate = o.FineTuneLearningRate }, log))
        {
            var history = trainer.Fit(sources.Train, sources.Validation);
            var (loss, acc) = trainer.Evaluate(sources.Test);
            Save(o.OutDir, "fine-tuning", trainer.Network, history, o.SmoothCurves);
            results.Add(new DemoResult($"fine-tuning from {o.FineTuneFrom}", tuned.TrainableParamCount, o.Epochs + o.FineTuneEpochs, loss, acc,
                results[^1].Seconds + Seconds(started)));
        }

        AtomicText.Write(Path.Combine(o.OutDir, "results.json"), JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        return results;
    }

    /// <summary>The results as a table.</summary>
    public static string Table(IReadOnlyList<DemoResult> results)
    {
        var lines = new List<string> { $"{"method",-28}{"trainable",12}{"epochs",8}{"test_loss",11}{"test_acc",10}{"seconds",9}" };
        lines.AddRange(results.Select(r => Invariant(
            $"{r.Method,-28}{KerasSummary.Thousands(r.TrainableParams),12}{r.Epochs,8}{r.TestLoss,11:0.0000}{r.TestAcc,10:0.0000}{r.Seconds,9:0}")));
        return string.Join(Environment.NewLine, lines);
    }

    private static void Save(string dir, string name, Network network, History history, double? smoothing)
    {
        Exporter.Save(network, Path.Combine(dir, name + ".onnx"));
        AtomicText.Write(Path.Combine(dir, name + ".history.json"), history.ToJson());
        Curves.Save(history, Path.Combine(dir, name + ".curves.png"), $"{network.Name}: {name}", smoothing);
    }

    private static long Now() => System.Diagnostics.Stopwatch.GetTimestamp();

    private static double Seconds(long since) => System.Diagnostics.Stopwatch.GetElapsedTime(since).TotalSeconds;

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
