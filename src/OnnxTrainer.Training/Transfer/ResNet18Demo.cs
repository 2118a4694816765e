using System.Globalization;
using System.Text.Json;
using OnnxTrainer.Data;
using OnnxTrainer.Data.Folders;
using OnnxTrainer.Models;
using OnnxTrainer.Training.Fitting;
using OnnxTrainer.Training.Jobs;

namespace OnnxTrainer.Training.Transfer;

/// <summary>What the ResNet18 demo does; the defaults are the README's run.</summary>
public sealed record ResNet18DemoOptions
{
    /// <summary>ResNet18.onnx (tools/get-resnet18.sh prints where NuGet put it).</summary>
    public required string ResNet18 { get; init; }

    /// <summary>Image side: 64 (28x28 clothes upscaled; ResNet18's last stage is then 2x2; 224 costs 12x the time for the same pixels).</summary>
    public int Size { get; init; } = 64;

    public int PerClass { get; init; } = 1000;
    public int ValidationPerClass { get; init; } = 500;
    public int Epochs { get; init; } = 10;
    public int FineTuneEpochs { get; init; } = 10;
    public double LearningRate { get; init; } = 1e-3;
    public double FineTuneLearningRate { get; init; } = 5e-5;
    public int BatchSize { get; init; } = 20;
    public long Seed { get; init; } = 1;
    public double? SmoothCurves { get; init; }
    public string? FashionDirectory { get; init; }
    public required string OutDir { get; init; }
}

/// <summary>
/// Bring-your-own-network transfer learning on real data that ships offline: an ImageNet ResNet18 (NuGet's ML.NET
/// featurizer, imported from its CNTK ONNX file) on T-shirt/top vs Shirt from Fashion-MNIST, against the chapter's
/// small convnet from scratch. Image folders as listing 5.4 (1,000 + 500 per class, and the classes' 2,000 test images),
/// then three runs through the train command's jobs: catsdogs-convnet from scratch; ResNet18 cut at its last ReLU with
/// a gap-dense head trained on cached features; and the same followed by fine-tuning the last stage (from its first
/// node in graph order, Convolution359) with batch normalization in inference mode.
/// </summary>
public static class ResNet18Demo
{
    /// <summary>The value ResNet18 is cut at: the output of its last residual block (before global pooling).</summary>
    public const string Cut = "ReLU393_Output_0";

    /// <summary>Where tools/get-resnet18.sh restores ResNet18.onnx: the NuGet global packages folder.</summary>
    public static string DefaultPath =>
        Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            "microsoft.ml.dnnimagefeaturizer.resnet18", "0.24.0", "tools", "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

    /// <summary>The first node of ResNet18's last stage in graph order (its shortcut convolution).</summary>
    public const string LastStage = "Convolution359";

    public static IReadOnlyList<DemoResult> Run(ResNet18DemoOptions o, TextWriter log)
    {
        if (!File.Exists(o.ResNet18))
            throw new ModelException($"ResNet18 file '{o.ResNet18}' does not exist; run tools/get-resnet18.sh (it prints where NuGet put it) and pass --resnet18 FILE.");
        Directory.CreateDirectory(o.OutDir);
        string data = Path.Combine(o.OutDir, "data");
        var (train, test) = FashionMnist.Load(o.FashionDirectory);
        string[] classes = ["shirt", "t_shirt_top"];
        if (!File.Exists(Path.Combine(data, "done")))
        {
            // the two classes' whole test split: 1,000 each
            MakeFolders.Write(train, test, new MakeFoldersOptions { Classes = classes, Size = o.Size, PerClass = (o.PerClass, o.ValidationPerClass, 1000) }, data);
            File.WriteAllText(Path.Combine(data, "done"), "");
        }
        var fit = new FitOptions { Epochs = o.Epochs, BatchSize = o.BatchSize, LearningRate = o.LearningRate, Seed = o.Seed };
        var input = new long[] { o.Size, o.Size, 3 };
        TrainRequest Request(ModelRecipe recipe, string name) => new()
        {
            Recipe = recipe,
            Data = "folders:" + data,
            Fit = fit,
            OutDir = Path.Combine(o.OutDir, name),
            SmoothCurves = o.SmoothCurves,
        };
        var resnet = new ModelRecipe { Model = o.ResNet18, Cut = Cut, Head = "gap-dense", InputShape = input, Preprocessing = "caffe" };
        string cache = Path.Combine(o.OutDir, "features");
        var results = new List<DemoResult>();

        var started = Now();
        log.WriteLine($"== From scratch: catsdogs-convnet at {o.Size}x{o.Size} ({o.Epochs} epochs)");
        var scratch = TrainJob.Run(Request(new ModelRecipe { Model = "catsdogs-convnet", InputShape = input }, "scratch"), log);
        results.Add(new DemoResult("catsdogs-convnet from scratch", Trainable(scratch), o.Epochs, scratch.TestLoss, scratch.TestAcc, Seconds(started)));

        started = Now();
        log.WriteLine($"== Feature extraction: ResNet18 cut at {Cut} + gap-dense, features cached ({o.Epochs} epochs)");
        var fe = TransferJob.Run(Request(resnet, "feature-extraction"), new TransferRequest { FeaturesCache = cache }, log);
        results.Add(new DemoResult("ResNet18 feature extraction", Trainable(fe), o.Epochs, fe.TestLoss, fe.TestAcc, Seconds(started)));

        started = Now();
        log.WriteLine($"== Fine-tuning: the head on cached features, then the last stage from {LastStage} ({o.FineTuneEpochs} epochs at {o.FineTuneLearningRate.ToString(CultureInfo.InvariantCulture)})");
        var ft = TransferJob.Run(Request(resnet with { TrainableFrom = LastStage }, "fine-tuning"),
            new TransferRequest { FeaturesCache = cache, FineTuneEpochs = o.FineTuneEpochs, FineTuneLearningRate = o.FineTuneLearningRate }, log);
        results.Add(new DemoResult($"ResNet18 fine-tuning from {LastStage}", Trainable(ft), o.Epochs + o.FineTuneEpochs, ft.TestLoss, ft.TestAcc, Seconds(started)));

        Jobs.AtomicText.Write(Path.Combine(o.OutDir, "results.json"), JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        return results;
    }

    /// <summary>Trainable parameters of the run's exported model, as its metadata and graph say.</summary>
    private static long Trainable(TrainResult r)
    {
        var network = Models.Networks.FileNetwork.FromGraph(Onnx.OnnxModel.Load(r.ModelPath), r.ModelPath);
        string? freezing = network.Freezing;
        var n = freezing is null ? network : freezing == "freeze-base" ? network.FreezeBase()
            : freezing.StartsWith("trainable-from:", StringComparison.Ordinal) ? network.TrainableFrom(freezing["trainable-from:".Length..]) : network;
        return n.TrainableParamCount;
    }

    private static long Now() => System.Diagnostics.Stopwatch.GetTimestamp();

    private static double Seconds(long since) => System.Diagnostics.Stopwatch.GetElapsedTime(since).TotalSeconds;
}
