using System.CommandLine;
using OnnxTrainer.Data;
using OnnxTrainer.Data.Folders;

namespace OnnxTrainer.Cli.Commands;

/// <summary>onnx-trainer data make-folders: a Dogs-vs-Cats-shaped image folder (listing 5.4) from two Fashion-MNIST classes.</summary>
public static class DataCommand
{
    public static Command Create() => new("data", "Prepare datasets on disk.")
    {
        MakeFoldersCommand(),
    };

    private static Command MakeFoldersCommand()
    {
        var from = new Option<string>("--from") { Description = "IDX source: fashion-mnist, fashion-mnist:DIR or mnist:DIR. Default fashion-mnist.", HelpName = "SPEC", DefaultValueFactory = _ => "fashion-mnist" };
        var classes = new Option<string>("--classes") { Description = "Two or more classes, comma-separated, as folder names (sneaker, ankle_boot) or labels.", HelpName = "A,B", Required = true };
        var size = new Option<int>("--size") { Description = "Side of the square RGB images. Default 150.", HelpName = "N", DefaultValueFactory = _ => 150, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--size", 1, 4096) ?? 150) };
        var format = new Option<string>("--format") { Description = "png, jpeg or webp. Default png.", HelpName = "FORMAT", DefaultValueFactory = _ => "png" };
        var counts = new Option<string>("--per-class") { Description = "Images per class in train, validation, test. Default 1000,500,500 (listing 5.4).", HelpName = "T,V,S", DefaultValueFactory = _ => "1000,500,500" };
        var output = new Option<string>("--out") { Description = "Folder to create DIR/train, DIR/validation and DIR/test in.", HelpName = "DIR", Required = true };
        var command = new Command("make-folders",
            "Write DIR/{train,validation,test}/CLASS/*.png from an IDX dataset: training and validation images from its training split, test images from its test split, first come first taken.")
        {
            from, classes, size, format, counts, output,
        };
        command.SetAction(parse =>
        {
            var spec = DataSpec.Parse(parse.GetValue(from)!);
            var perClass = ParseCounts(parse.GetValue(counts)!);
            var options = new MakeFoldersOptions
            {
                Classes = parse.GetRequiredValue(classes).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Size = parse.GetValue(size),
                Format = ImageEncoder.ParseFormat(parse.GetValue(format)!),
                PerClass = perClass,
            };
            string dir = Path.GetFullPath(parse.GetRequiredValue(output));
            var data = spec.Load();
            IReadOnlyList<string> folders;
            try
            {
                folders = MakeFolders.Write(data.Train, data.Test, options, dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"--out: cannot write under '{dir}': {e.Message}", e);
            }
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine($"Wrote {dir}: classes {string.Join(", ", folders.Order(StringComparer.Ordinal))}, {options.Size}x{options.Size} RGB {options.Format.ToString().ToUpperInvariant()}.");
            o.WriteLine($"  train: {perClass.Train} per class, validation: {perClass.Validation} per class (from the {spec} training split), test: {perClass.Test} per class (from its test split).");
            return 0;
        });
        return command;
    }

    private static (int Train, int Validation, int Test) ParseCounts(string text)
    {
        var parts = text.Split(',');
        if (parts.Length == 3 && int.TryParse(parts[0], out int t) && int.TryParse(parts[1], out int v) && int.TryParse(parts[2], out int s) && t >= 1 && v >= 0 && s >= 0)
            return (t, v, s);
        throw new CliException($"--per-class expects three whole numbers TRAIN,VALIDATION,TEST such as 1000,500,500 (train at least 1); got '{text}'.");
    }
}
