using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OnnxTrainer.Runtime;
using OnnxTrainer.Training.Bench;

namespace OnnxTrainer.Cli.Commands;

/// <summary>
/// onnx-trainer gpu-check --device cuda (hidden; tools/gpu-check.sh runs it): the CPU against the device on the same
/// graphs and data, one PASS/FAIL line per check with its numbers; exit code 1 when a check fails. With --device cpu
/// it checks the CPU against itself.
/// </summary>
public static class GpuCheckCommand
{
    public static Command Create()
    {
        var device = DeviceOption.Create();
        var size = new Option<int>("--size") { Description = "Input height and width of the VGG16 checks. Default 150.", HelpName = "N", DefaultValueFactory = _ => 150, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--size", 32, 1024) ?? 150) };
        var models = new Option<string?>("--models") { Description = "Comma-separated zoo models of the forward checks (default: all).", HelpName = "LIST" };
        var repeats = new Option<int>("--repeats") { Description = "Timed steps per throughput measurement; 0 leaves the throughput out. Default 5.", HelpName = "N", DefaultValueFactory = _ => 5, CustomParser = r => (int)(ModelOptions.ParseNumber(r, "--repeats", 0, 1000) ?? 5) };
        var command = new Command("gpu-check", "CPU against CUDA: forward outputs, train steps, Grad-CAM and throughput, one PASS/FAIL line each.")
        {
            device, size, models, repeats,
        };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var plan = new DeviceCheckPlan { Size = parse.GetValue(size), ThroughputRepeats = parse.GetValue(repeats) };
            if (parse.GetValue(models) is { } list)
                plan = plan with { ForwardModels = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m => Models.Zoo.Find(m).Name).ToList() };
            var o = parse.InvocationConfiguration.Output;
            long start = Stopwatch.GetTimestamp();
            int passed = 0, failed = 0;
            foreach (var check in DeviceComparison.Run(plan, ExecutionDevice.Cpu, parse.GetValue(device)))
            {
                o.WriteLine(check.ToString());
                if (check.Passed) passed++; else failed++;
            }
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gpu-check: {passed} passed, {failed} failed in {Stopwatch.GetElapsedTime(start).TotalSeconds:0} s"));
            return failed == 0 ? 0 : 1;
        });
        return command;
    }
}
