using System.CommandLine;
using OnnxTrainer.Models;

namespace OnnxTrainer.Cli.Commands;

/// <summary>onnx-trainer models: the zoo's models and heads with their descriptions.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List the zoo's models and the heads that go on them.");
        command.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            int width = Zoo.Models.Select(m => m.Name.Length).Concat(Zoo.Heads.Select(h => h.Name.Length)).Max() + 2;
            o.WriteLine("Models (onnx-trainer summary MODEL):");
            foreach (var m in Zoo.Models)
                o.WriteLine($"  {m.Name.PadRight(width)}{m.Description}");
            o.WriteLine();
            o.WriteLine("Heads (--head HEAD, on any model's convolutional stack):");
            foreach (var h in Zoo.Heads)
                o.WriteLine($"  {h.Name.PadRight(width)}{h.Description}");
            return 0;
        });
        return command;
    }
}
