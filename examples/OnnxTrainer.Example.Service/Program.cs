using System.Globalization;
using OnnxTrainer.Example.Service;

// dotnet run --project examples/OnnxTrainer.Example.Service -- --model runs/catsdogs/model.onnx [--port 5080]
string? model = null;
int port = 5080;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--model" when i + 1 < args.Length:
            model = args[++i];
            break;
        case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out port):
            i++;
            break;
        default:
            Console.Error.WriteLine($"error: unexpected argument '{args[i]}'. Usage: OnnxTrainer.Example.Service --model MODEL.onnx [--port N]");
            return 2;
    }
}
if (model is null)
{
    Console.Error.WriteLine("error: --model MODEL.onnx is required (a model exported by onnx-trainer).");
    return 2;
}
var app = ServiceApp.Build(new ServiceOptions { ModelPath = model, Port = port });
Console.WriteLine($"Serving {model} on http://127.0.0.1:{port}: POST /predict, POST /gradcam, GET /health");
await app.RunAsync();
return 0;
