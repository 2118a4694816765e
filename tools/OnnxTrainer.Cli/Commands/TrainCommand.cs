using System.CommandLine;
using System.Globalization;
using OnnxTrainer.Training.Fitting;
using OnnxTrainer.Training.Jobs;

namespace OnnxTrainer.Cli.Commands;

/// <summary>onnx-trainer train: model.fit on ONNX Runtime; writes the model, checkpoint, history and curves, prints test metrics.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var model = new ModelOptions(withWeights: true);
        var data = new Option<string>("--data") { Description = "Training data: fashion-mnist, fashion-mnist:DIR, mnist:DIR or folders:DIR (DIR/train, DIR/validation, DIR/test of class subfolders, or DIR of class subfolders).", HelpName = "SPEC", Required = true };
        var augment = new Option<string?>("--augment") { Description = "Augment the training data (ImageDataGenerator): listing-5.14, or rotation_range=40,width_shift_range=0.2,height_shift_range=0.2,shear_range=0.2,zoom_range=0.2,horizontal_flip=true,fill_mode=nearest.", HelpName = "SPEC" };
        var skipBad = new Option<bool>("--skip-bad-images") { Description = "Skip image files that cannot be decoded (counted in a warning) instead of stopping." };
        var epochs = Int("--epochs", "Epochs to train (with --resume: the total to reach).", 5, 1);
        var batch = Int("--batch-size", "Examples per step.", 32, 1);
        var steps = new Option<int?>("--steps-per-epoch") { Description = "Batches per epoch (default: one pass over the data).", HelpName = "N", CustomParser = r => (int?)ModelOptions.ParseNumber(r, "--steps-per-epoch", 1, int.MaxValue) };
        var validationSteps = new Option<int?>("--validation-steps") { Description = "Validation batches per epoch (default: all).", HelpName = "N", CustomParser = r => (int?)ModelOptions.ParseNumber(r, "--validation-steps", 1, int.MaxValue) };
        var optimizer = new Option<string>("--optimizer") { Description = "rmsprop, sgd, adam or adamw.", HelpName = "NAME", DefaultValueFactory = _ => "rmsprop" };
        var lr = Real("--lr", "Learning rate.", 1e-3);
        var schedule = new Option<string>("--lr-schedule") { Description = "constant, step:EVERY:FACTOR, exp:GAMMA or cosine.", HelpName = "SCHEDULE", DefaultValueFactory = _ => "constant" };
        var loss = new Option<string?>("--loss") { Description = "Keras loss name (default: binary or categorical crossentropy from the output).", HelpName = "NAME" };
        var seed = new Option<long>("--seed") { Description = "Seed of initialization, shuffling and dropout (same seed, same weights).", HelpName = "N", DefaultValueFactory = _ => 1, CustomParser = r => ModelOptions.ParseNumber(r, "--seed", long.MinValue, long.MaxValue) ?? 0 };
        var split = Real("--validation-split", "Fraction of the training data (its end, as Keras) used for validation.", 0);
        var device = DeviceOption.Create();
        var threads = Int("--threads", "Intra-op threads (0: one per core).", 0, 0);
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its checkpoint." };
        var patience = new Option<int?>("--early-stopping") { Description = "Stop after N epochs without val_loss improving (loss without validation data).", HelpName = "N", CustomParser = r => (int?)ModelOptions.ParseNumber(r, "--early-stopping", 0, int.MaxValue) };
        var saveBest = new Option<bool>("--save-best") { Description = "Also export DIR/best.onnx whenever val_loss improves (ModelCheckpoint, save_best_only)." };
        var output = new Option<string>("--out") { Description = "Run folder: model.onnx, checkpoint.safetensors, history.json, curves.png.", HelpName = "DIR", Required = true };

        var command = new Command("train", "Train a zoo model (Keras model.fit) and export it.");
        model.AddTo(command);
        var transfer = new TransferOptions();
        transfer.AddTo(command);
        var smoothing = new SmoothingOptions();
        smoothing.AddTo(command);
        var maxMemory = MaxMemoryOption.Create();
        foreach (Option o in new Option[] { data, epochs, batch, steps, validationSteps, optimizer, lr, schedule, loss, seed, split, device, threads, resume, patience, saveBest, output, augment, skipBad, maxMemory })
            command.Add(o);
        command.SetAction(parse =>
        {
            string dir = Path.GetFullPath(parse.GetRequiredValue(output));
            bool hasValidation = parse.GetValue(split) > 0;
            string monitor = hasValidation ? "val_loss" : "loss";
            var request = new TrainRequest
            {
                Recipe = model.Recipe(parse),
                Data = parse.GetRequiredValue(data),
                Augment = parse.GetValue(augment),
                SkipBadImages = parse.GetValue(skipBad),
                ValidationSplit = parse.GetValue(split),
                Optimizer = parse.GetValue(optimizer)!,
                Loss = parse.GetValue(loss),
                WeightsPath = model.WeightsPath(parse),
                Resume = parse.GetValue(resume),
                OutDir = dir,
                SmoothCurves = smoothing.Value(parse),
                Fit = new FitOptions
                {
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batch),
                    StepsPerEpoch = parse.GetValue(steps),
                    ValidationSteps = parse.GetValue(validationSteps),
                    LearningRate = parse.GetValue(lr),
                    Schedule = LearningRateSchedule.Parse(parse.GetValue(schedule)!),
                    Seed = parse.GetValue(seed),
                    Device = parse.GetValue(device),
                    Threads = parse.GetValue(threads),
                    MaxMemory = parse.GetValue(maxMemory),
                    EarlyStopping = parse.GetValue(patience) is { } p ? new EarlyStopping(monitor, p) : null,
                    ModelCheckpoint = parse.GetValue(saveBest) ? new ModelCheckpoint(Path.Combine(dir, "best.onnx"), monitor) : null,
                },
            };
            var o = parse.InvocationConfiguration.Output;
            var result = transfer.Run(parse, request, o);
            if (result.TestCount > 0) o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test_loss: {result.TestLoss:0.0000} - test_acc: {result.TestAcc:0.0000} ({result.TestCount} test images)"));
            o.WriteLine($"Model saved to {result.ModelPath}");
            o.WriteLine($"Checkpoint {result.CheckpointPath}, history {result.HistoryPath}, curves {result.CurvesPath}");
            return 0;
        });
        return command;
    }

    private static Option<int> Int(string name, string description, int fallback, int min) => new(name)
    {
        Description = $"{description} Default {fallback}.",
        HelpName = "N",
        DefaultValueFactory = _ => fallback,
        CustomParser = r => (int)(ModelOptions.ParseNumber(r, name, min, int.MaxValue) ?? fallback),
    };

    internal static Option<double> Real(string name, string description, double fallback) => new(name)
    {
        Description = $"{description} Default {fallback.ToString(CultureInfo.InvariantCulture)}.",
        HelpName = "X",
        DefaultValueFactory = _ => fallback,
        CustomParser = r =>
        {
            string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)) return v;
            r.AddError($"{name} expects a number such as 0.001 or 1e-4; got '{text}'.");
            return fallback;
        },
    };
}
