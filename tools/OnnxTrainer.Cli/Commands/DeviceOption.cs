using System.CommandLine;
using System.CommandLine.Parsing;
using OnnxTrainer.Runtime;

namespace OnnxTrainer.Cli.Commands;

/// <summary>
/// --device cpu|cuda of every command that runs ONNX Runtime. Parsed and checked while the command line is parsed,
/// before any work: cuda on a CPU build, or on a machine without the CUDA libraries or a GPU, is one error line.
/// </summary>
public static class DeviceOption
{
    /// <summary>The answer to --device cuda on a CPU build: how to get the GPU build.</summary>
    public const string CpuBuildMessage = "--device cuda: this onnx-trainer is a CPU build (its ONNX Runtime has no CUDAExecutionProvider); " +
                                          "build it with the GPU switch, tools/setup.sh --gpu (or dotnet build -p:OnnxTrainerGpu=true), or use --device cpu.";

    public static Option<ExecutionDevice> Create() => new("--device")
    {
        Description = "cpu or cuda (cuda needs the GPU build: tools/setup.sh --gpu).",
        HelpName = "DEVICE",
        DefaultValueFactory = _ => ExecutionDevice.Cpu,
        CustomParser = Parse,
    };

    /// <summary>Null when <paramref name="device"/> can run here; otherwise the error line (without "error: ").</summary>
    public static string? Problem(ExecutionDevice device)
    {
        if (device == ExecutionDevice.Cpu) return null;
        if (!ExecutionDevices.HasCudaProvider) return CpuBuildMessage;
        try
        {
            ExecutionDevices.EnsureAvailable(device);
            return null;
        }
        catch (NotSupportedException e)
        {
            return $"--device cuda: {e.Message} Or use --device cpu.";
        }
    }

    private static ExecutionDevice Parse(ArgumentResult result)
    {
        string text = string.Join(" ", result.Tokens.Select(t => t.Value));
        ExecutionDevice device;
        try
        {
            device = ExecutionDevices.Parse(text);
        }
        catch (ArgumentException)
        {
            result.AddError($"--device must be cpu or cuda, got '{text}'.");
            return ExecutionDevice.Cpu;
        }
        if (Problem(device) is { } problem) result.AddError(problem);
        return device;
    }
}
