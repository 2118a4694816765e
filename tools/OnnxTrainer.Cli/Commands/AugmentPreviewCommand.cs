using System.CommandLine;
using OnnxTrainer.Data.Augmentation;

namespace OnnxTrainer.Cli.Commands;

/// <summary>onnx-trainer augment-preview IMAGE --augment SPEC: a grid of randomly augmented versions of one image (figure 5.11).</summary>
public static class AugmentPreviewCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("IMAGE") { Description = "The image to augment (JPEG, PNG, BMP, GIF or WebP)." };
        var augment = new Option<string>("--augment") { Description = "ImageDataGenerator parameters, e.g. rotation_range=40,width_shift_range=0.2,height_shift_range=0.2,shear_range=0.2,zoom_range=0.2,horizontal_flip=true,fill_mode=nearest, or listing-5.14.", HelpName = "SPEC", DefaultValueFactory = _ => "listing-5.14" };
        var count = new Option<int>("--count") { Description = "Augmented versions to draw. Default 8.", HelpName = "N", DefaultValueFactory = _ => 8, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--count", 1, 1000) ?? 8) };
        var columns = new Option<int>("--columns") { Description = "Tiles per row. Default 4.", HelpName = "N", DefaultValueFactory = _ => 4, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--columns", 1, 1000) ?? 4) };
        var size = new Option<int?>("--size") { Description = "Resize the image to NxN first, as listing 5.12's load_img(target_size=(150, 150)). Default: keep its size.", HelpName = "N", CustomParser = r => (int?)ModelOptions.ParseNumber(r, "--size", 1, 4096) };
        var seed = new Option<long>("--seed") { Description = "Seed of the random transforms. Default 1.", HelpName = "N", DefaultValueFactory = _ => 1, CustomParser = r => ModelOptions.ParseNumber(r, "--seed", long.MinValue, long.MaxValue) ?? 1 };
        var output = new Option<string>("--out") { Description = "The PNG file to write.", HelpName = "FILE.png", Required = true };
        var maxPixels = new Option<long>("--max-image-pixels") { Description = "Refuse an image, or a grid, of more pixels than this (checked before decoding). Default 40000000.", HelpName = "N", DefaultValueFactory = _ => Onnx.Files.PixelLimit.Default, CustomParser = r => ModelOptions.ParseNumber(r, "--max-image-pixels", 1, long.MaxValue) ?? Onnx.Files.PixelLimit.Default };
        var command = new Command("augment-preview", "Write a grid of randomly augmented versions of one image (figure 5.11).")
        {
            image, augment, count, columns, size, seed, output, maxPixels,
        };
        command.SetAction(parse =>
        {
            var options = AugmentOptions.Parse(parse.GetValue(augment)!);
            string path = Path.GetFullPath(parse.GetRequiredValue(output));
            RuntimeModelOptions.CheckWritableFile(path, "--out");
            string source = parse.GetRequiredValue(image);
            if (!File.Exists(source)) throw new CliException(Onnx.Files.FileNames.NotFound(source, "IMAGE:"));
            (int, int)? target = parse.GetValue(size) is { } n ? (n, n) : null;
            (int Height, int Width) grid;
            try
            {
                grid = AugmentPreview.Save(path, source, options, parse.GetValue(count), parse.GetValue(seed), target, parse.GetValue(columns), parse.GetValue(maxPixels));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"--out: cannot write '{path}': {e.Message}", e);
            }
            parse.InvocationConfiguration.Output.WriteLine(
                $"Wrote {path}: {parse.GetValue(count)} augmented versions of {source} ({grid.Width}x{grid.Height}), {options}.");
            return 0;
        });
        return command;
    }
}
