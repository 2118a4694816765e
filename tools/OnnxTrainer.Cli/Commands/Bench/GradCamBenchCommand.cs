using System.CommandLine;
using System.Globalization;

namespace OnnxTrainer.Cli.Commands.Bench;

/// <summary>onnx-trainer bench gradcam MODEL.onnx [--repeats N]: the median time of one Grad-CAM explanation against one prediction, and their ratio.</summary>
public static class GradCamBenchCommand
{
    public static Command Create()
    {
        var model = new RuntimeModelOptions();
        var repeats = new Option<int>("--repeats") { Description = "Timed calls of each after 3 warm-up calls. Default 20.", HelpName = "N", DefaultValueFactory = _ => 20, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--repeats", 1, 100000) ?? 20) };
        var command = new Command("gradcam", "Grad-CAM cost: one explanation (prediction, activations, gradients, heatmap) against one prediction.");
        model.AddTo(command);
        command.Add(repeats);
        command.SetAction(parse =>
        {
            int r = parse.GetValue(repeats);
            using var m = model.Load(parse);
            if (!m.CanExplain) throw new CliException($"Model '{m.Info.Name}' has no Grad-CAM outputs; export a classifier without --no-explain.");
            using var image = BenchImages.Picture(m.Info.Width, m.Info.Height, 1);
            // interleaved rounds, so a busy machine slows both alike
            double predict = 0, explain = 0;
            const int rounds = 3;
            for (int k = 0; k < rounds; k++)
            {
                predict += BenchImages.MedianMs(() => m.Predict(image), r) / rounds;
                explain += BenchImages.MedianMs(() => m.Explain(image), r) / rounds;
            }
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{m.Info.Name} {m.Info.Width}x{m.Info.Height}: predict {predict:0.00} ms, gradcam on {m.Info.GradCamLayer} {explain:0.00} ms (median of {r}, mean of {rounds} rounds): ratio {explain / predict:0.00}"));
            return 0;
        });
        return command;
    }
}
