using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Training.Import;
using OnnxTrainer.Training.Networks;

namespace OnnxTrainer.Cli.Commands;

/// <summary>
/// The options that choose a model, shared by every command that needs one:
/// MODEL [--head HEAD] [--input-shape H,W,C] [--classes N] [--freeze-base | --trainable-from LAYER] [--preprocessing NAME] [--weights FILE].
/// Usage: <c>var model = new ModelOptions(); model.AddTo(command); ... model.Build(parseResult)</c>.
/// </summary>
public sealed class ModelOptions
{
    public Argument<string> Model { get; } = new("MODEL")
    {
        Description = "A zoo model (onnx-trainer models lists them), or an ONNX image model file (FILE.onnx, any opset from 7).",
    };

    public Option<string?> Head { get; } = new("--head")
    {
        Description = "A classifier head to put on the model's convolutional stack (dense256, dense256-dropout, conv32-dense256).",
        HelpName = "HEAD",
    };

    public Option<long[]?> InputShape { get; } = new("--input-shape")
    {
        Description = "Input height, width and channels, for example 150,150,3 (default: the model's own).",
        HelpName = "H,W,C",
        CustomParser = ParseShape,
    };

    public Option<int?> Classes { get; } = new("--classes")
    {
        Description = "1 for a sigmoid unit, N >= 2 for an N-way softmax (default: the model's own).",
        HelpName = "N",
        CustomParser = r => (int?)ParseNumber(r, "--classes", int.MinValue, int.MaxValue),
    };

    public Option<string?> Cut { get; } = new("--cut")
    {
        Description = "For FILE.onnx: the value, node or layer its base ends at; the --head goes on it (for example Pooling395_Output_0 or ReLU393_Output_0).",
        HelpName = "VALUE",
    };

    public Option<string?> BatchNormMode { get; } = new("--bn-mode")
    {
        Description = "Trainable BatchNormalization layers: frozen (inference mode, moving statistics; the default when fine-tuning pretrained weights) " +
                      "or train (batch statistics, moving averages updated; the default from scratch). Frozen layers always run in inference mode.",
        HelpName = "frozen|train",
    };

    public Option<bool> FreezeBase { get; } = new("--freeze-base")
    {
        Description = "Freeze the base under the head (conv_base.trainable = False).",
    };

    public Option<string?> TrainableFrom { get; } = new("--trainable-from")
    {
        Description = "Freeze every weight used before NAME (a layer such as block5_conv1, a node or a value of the graph), for fine-tuning.",
        HelpName = "NAME",
    };

    public Option<string?> Preprocessing { get; } = new("--preprocessing")
    {
        Description = "The graph's first op on raw 0..255 RGB pixels: rescale (x/255), caffe (BGR minus ImageNet mean, Keras VGG weights), " +
                      "torch (ImageNet mean/std, torchvision weights), none, or a preprocessing graph FILE.onnx (such as ResNetPreprocess.onnx). " +
                      "Default: what suits --weights (Keras .h5: caffe, torchvision: torch), else rescale (none for FILE.onnx models).",
        HelpName = "NAME",
    };

    public Option<string?> Weights { get; } = new("--weights")
    {
        Description = "Weights to load: Keras .h5 (save_weights/save, keras.applications files), .safetensors (ours, torchvision or timm names) " +
                      "or .onnx initializers. A head on a base is initialized when the file has none.",
        HelpName = "FILE",
    };

    private readonly bool _withWeights;

    /// <param name="withWeights">Whether the command takes --weights (summary, export, train).</param>
    public ModelOptions(bool withWeights = false) => _withWeights = withWeights;

    /// <summary>Adds the argument and options to <paramref name="command"/>, with the check that at most one freezing option is given.</summary>
    public void AddTo(Command command)
    {
        command.Add(Model);
        command.Add(Head);
        command.Add(InputShape);
        command.Add(Classes);
        command.Add(Cut);
        command.Add(BatchNormMode);
        command.Add(FreezeBase);
        command.Add(TrainableFrom);
        command.Add(Preprocessing);
        if (_withWeights) command.Add(Weights);
        command.Validators.Add(result =>
        {
            if (result.GetValue(FreezeBase) && result.GetValue(TrainableFrom) is { } layer)
                result.AddError($"--freeze-base and --trainable-from both choose the frozen layers; expected one of them, got --freeze-base and --trainable-from {layer}.");
        });
    }

    /// <summary>The model the options describe, as a recipe (what checkpoints record to rebuild it).</summary>
    public ModelRecipe Recipe(ParseResult parse)
    {
        var recipe = new ModelRecipe
        {
            Model = parse.GetRequiredValue(Model),
            Head = parse.GetValue(Head),
            // An absent array option reads as an empty array; absent means the model's own input.
            InputShape = parse.GetResult(InputShape) is null ? null : parse.GetValue(InputShape),
            Classes = parse.GetValue(Classes),
            FreezeBase = parse.GetValue(FreezeBase),
            TrainableFrom = parse.GetValue(TrainableFrom),
            Preprocessing = parse.GetValue(Preprocessing) is { } p ? p.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? p : PreprocessingGraph.Parse(p).Name() : null,
            Cut = parse.GetValue(Cut),
            BatchNorm = parse.GetValue(BatchNormMode) is { } mode ? NetworkFactory.ParseBatchNormMode(mode).ToString().ToLowerInvariant() : null,
        };
        return NetworkFactory.WithWeightsPreprocessing(recipe, WeightsPath(parse));
    }

    /// <summary>The --weights file, or null (always null for a command without --weights).</summary>
    public string? WeightsPath(ParseResult parse) => _withWeights ? parse.GetValue(Weights) : null;

    /// <summary>
    /// The network the options describe with the --weights file's weights (saying what was loaded) or fresh
    /// glorot-uniform weights from <paramref name="seed"/>, frozen as the options say.
    /// </summary>
    public Network Network(ParseResult parse, long seed) =>
        NetworkFactory.Build(Recipe(parse), seed, WeightsPath(parse), parse.InvocationConfiguration.Output);

    /// <summary>Builds the model the options describe (Zoo.Build, then freezing); errors are ModelExceptions.</summary>
    public Model Build(ParseResult parse) => Recipe(parse).Build();

    /// <summary>
    /// The zoo name of the chosen model, "MODEL" or "MODEL+HEAD" (Model.Name of a VGG base or VGG with top is its Keras
    /// name "vgg16", the same for both; this one tells them apart).
    /// </summary>
    public string ZooName(ParseResult parse) =>
        parse.GetValue(Head) is { } head ? $"{parse.GetRequiredValue(Model)}+{head}" : parse.GetRequiredValue(Model);

    /// <summary>"H,W,C" as three positive whole numbers.</summary>
    internal static long[]? ParseShape(ArgumentResult result)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(" ", result.Tokens.Select(t => t.Value));
        var parts = text.Split(',');
        var dims = new long[parts.Length];
        bool ok = parts.Length == 3;
        for (int i = 0; ok && i < parts.Length; i++)
            ok = long.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) && dims[i] > 0;
        if (ok) return dims;
        result.AddError($"--input-shape expects H,W,C, three positive whole numbers separated by commas (for example 150,150,3); got '{text}'.");
        return null;
    }

    /// <summary>A whole number for <paramref name="option"/> in [min, max], or a parse error naming the value given.</summary>
    public static long? ParseNumber(ArgumentResult result, string option, long min, long max)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(" ", result.Tokens.Select(t => t.Value));
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            result.AddError($"{option} expects a whole number; got '{text}'.");
        else if (value < min || value > max)
            result.AddError($"{option} expects a whole number from {min} to {max}; got {text}.");
        else
            return value;
        return null;
    }
}
