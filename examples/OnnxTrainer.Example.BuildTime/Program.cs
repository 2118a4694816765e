using System.Reflection;
using OnnxTrainer.Examples;
using OnnxTrainer.Runtime;

// The model the build exported and embedded (<OnnxModel Include="models/catsdogs.onnx" ... Embed="true" />).
using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("models/catsdogs.onnx")
    ?? throw new InvalidOperationException("models/catsdogs.onnx is not embedded");
var bytes = new byte[stream.Length];
stream.ReadExactly(bytes);
using var model = ImageModel.Load(bytes);

using var image = SampleImage.Draw();
ClassScore best = model.Predict(image).Top;
Console.WriteLine($"{best.Name} {best.Probability:0.0000}");
