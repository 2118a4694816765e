using System.CommandLine;
using OnnxTrainer.Training.Transfer;

namespace OnnxTrainer.Cli.Commands;

/// <summary>onnx-trainer transfer-demo: pretrain on eight Fashion-MNIST classes, then compare scratch, feature extraction and fine-tuning on the other two.</summary>
public static class TransferDemoCommand
{
    public static Command Create()
    {
        var defaults = new TransferDemoOptions { OutDir = "" };
        var classes = new Option<string>("--classes") { Description = $"The two classes of the small task, comma-separated. Default {string.Join(",", defaults.Classes)}.", HelpName = "A,B", DefaultValueFactory = _ => string.Join(",", defaults.Classes) };
        var pretrain = Number("--pretrain-epochs", "Epochs of pretraining on the eight other classes.", defaults.PretrainEpochs);
        var epochs = Number("--epochs", "Epochs of training from scratch and of the head in feature extraction.", defaults.Epochs);
        var fineTune = Number("--fine-tune-epochs", "Epochs of fine-tuning after feature extraction.", defaults.FineTuneEpochs);
        var perClass = Number("--per-class", "Training images per class of the small task.", defaults.PerClass);
        var lr = TrainCommand.Real("--lr", "Learning rate of training from scratch, of pretraining and of the head (RMSprop).", defaults.LearningRate);
        var fineTuneLr = TrainCommand.Real("--fine-tune-lr", "Learning rate of fine-tuning.", defaults.FineTuneLearningRate);
        var fineTuneFrom = new Option<string>("--trainable-from") { Description = $"First layer fine-tuning trains. Default {defaults.FineTuneFrom}.", HelpName = "LAYER", DefaultValueFactory = _ => defaults.FineTuneFrom };
        var data = new Option<string?>("--fashion-mnist") { Description = "Folder of the Fashion-MNIST IDX files (default: the Debian package's).", HelpName = "DIR" };
        var baseModel = new Option<string>("--base")
        {
            Description = "mnist-convnet (default: pretrained here on the eight other classes) or resnet18 (the ImageNet ResNet18 that tools/get-resnet18.sh restores, cut at its last block with a gap-dense head, on 64x64 folders).",
            HelpName = "NAME",
            DefaultValueFactory = _ => "mnist-convnet",
        };
        var resnet18 = new Option<string?>("--resnet18") { Description = "ResNet18.onnx for --base resnet18 (default: where tools/get-resnet18.sh restores it).", HelpName = "FILE" };
        var output = new Option<string>("--out") { Description = "Folder for the models, histories, curves, cached features and results.json.", HelpName = "DIR", Required = true };
        var command = new Command("transfer-demo", "Transfer learning on Fashion-MNIST: pretrain a base on 8 classes, then on 2,000 images of the other 2 compare training from scratch, feature extraction and fine-tuning.");
        foreach (Option o in new Option[] { baseModel, resnet18, classes, pretrain, epochs, fineTune, perClass, lr, fineTuneLr, fineTuneFrom, data, output }) command.Add(o);
        var smoothing = new SmoothingOptions();
        smoothing.AddTo(command);
        command.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            string which = parse.GetValue(baseModel)!;
            if (which == "resnet18" && new Option[] { classes, pretrain, fineTuneFrom }.FirstOrDefault(x => parse.GetResult(x) is { Implicit: false }) is { } unused)
                throw new CliException($"{unused.Name} applies to --base mnist-convnet; the ResNet18 demo uses T-shirt/top vs Shirt, no pretraining and its last stage.");
            var results = which switch
            {
                "resnet18" => ResNet18Demo.Run(new ResNet18DemoOptions
                {
                    ResNet18 = parse.GetValue(resnet18) ?? ResNet18Demo.DefaultPath,
                    Epochs = parse.GetValue(epochs),
                    FineTuneEpochs = parse.GetValue(fineTune),
                    PerClass = parse.GetValue(perClass),
                    LearningRate = parse.GetValue(lr),
                    FineTuneLearningRate = parse.GetValue(fineTuneLr),
                    FashionDirectory = parse.GetValue(data),
                    SmoothCurves = smoothing.Value(parse),
                    OutDir = Path.GetFullPath(parse.GetRequiredValue(output)),
                }, o),
                "mnist-convnet" => TransferDemo.Run(defaults with
                {
                    Classes = parse.GetValue(classes)!.Split(',').Select(c => c.Trim()).ToList(),
                    PretrainEpochs = parse.GetValue(pretrain),
                    Epochs = parse.GetValue(epochs),
                    FineTuneEpochs = parse.GetValue(fineTune),
                    PerClass = parse.GetValue(perClass),
                    LearningRate = parse.GetValue(lr),
                    FineTuneLearningRate = parse.GetValue(fineTuneLr),
                    FineTuneFrom = parse.GetValue(fineTuneFrom)!,
                    FashionDirectory = parse.GetValue(data),
                    SmoothCurves = smoothing.Value(parse),
                    OutDir = Path.GetFullPath(parse.GetRequiredValue(output)),
                }, o),
                _ => throw new CliException($"--base expects mnist-convnet or resnet18, got '{which}'."),
            };
            o.WriteLine();
            o.WriteLine(TransferDemo.Table(results));
            return 0;
        });
        return command;
    }

    private static Option<int> Number(string name, string description, int fallback) => new(name)
    {
        Description = $"{description} Default {fallback}.",
        HelpName = "N",
        DefaultValueFactory = _ => fallback,
        CustomParser = r => (int)(ModelOptions.ParseNumber(r, name, 1, 100_000) ?? fallback),
    };
}
