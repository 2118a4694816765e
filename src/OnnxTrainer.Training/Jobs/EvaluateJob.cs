using OnnxTrainer.Runtime;
using Microsoft.ML.OnnxRuntime;
using OnnxTrainer.Data;
using OnnxTrainer.Models;
using OnnxTrainer.Onnx;
using OnnxTrainer.Training.Export;

namespace OnnxTrainer.Training.Jobs;

/// <summary>model.evaluate for an exported model: mean crossentropy (Keras: from clipped probabilities) and accuracy on a test set.</summary>
public static class EvaluateJob
{
    public static (double Loss, double Acc, int Count) Run(string modelPath, string data, int batchSize = 64, ExecutionDevice device = ExecutionDevice.Cpu)
    {
        var graph = OnnxModel.Load(modelPath);
        string Meta(string key) => graph.Metadata.TryGetValue(ExportInfo.Prefix + key, out var v)
            ? v
            : throw new InvalidDataException($"'{modelPath}' has no {ExportInfo.Prefix}{key} metadata; export it with onnx-trainer.");
        bool sigmoid = Meta("output_activation") == "sigmoid";
        var inputDims = graph.Inputs[0].Type.Dims;
        // Image folders are resized and color-converted to the model's input (N, C, H, W); IDX images must match it.
        var test = DataSpec.Parse(data).OpenTest(new SourceOptions { Input = ((int)inputDims[2], (int)inputDims[3], (int)inputDims[1]) }, TextWriter.Null);
        if (!inputDims[1..].SequenceEqual(test.ExampleShape))
            throw new ArgumentException($"'{modelPath}' takes (C,H,W) = ({string.Join(",", inputDims[1..])}) inputs, but {data} images are ({string.Join(",", test.ExampleShape)}).");
        using var options = ExecutionDevices.CreateSessionOptions(device);
        using var session = new InferenceSession(OnnxModel.ToBytes(graph), options);
        int per = (int)test.ExampleShape.Aggregate(1L, (a, d) => a * d);
        var input = new float[batchSize * per];
        var indices = new int[batchSize];
        double lossSum = 0, correct = 0;
        for (int start = 0; start < test.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, test.Count - start);
            for (int i = 0; i < n; i++) indices[i] = start + i;
            test.FillImages(indices.AsSpan(0, n), input.AsSpan(0, n * per), null);
            using var x = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(input, 0, n * per), [n, .. test.ExampleShape]);
            using var results = session.Run(new RunOptions(), [graph.Inputs[0].Name], [x], [graph.Outputs[0].Name]);
            var p = results[0].GetTensorDataAsSpan<float>();
            int k = p.Length / n;
            for (int i = 0; i < n; i++)
            {
                int label = test.Label(start + i);
                var row = p.Slice(i * k, k);
                if (sigmoid)
                {
                    double q = Math.Clamp(row[0], 1e-7, 1 - 1e-7);
                    lossSum -= label == 1 ? Math.Log(q) : Math.Log(1 - q);
                    correct += (row[0] > 0.5f ? 1 : 0) == label ? 1 : 0;
                }
                else
                {
                    if ((uint)label >= (uint)k) throw new ArgumentException($"Label {label} of test example {start + i} is outside the model's {k} classes.");
                    lossSum -= Math.Log(Math.Clamp(row[label], 1e-7, 1 - 1e-7));
                    int best = 0;
                    for (int c = 1; c < k; c++) if (row[c] > row[best]) best = c;
                    correct += best == label ? 1 : 0;
                }
            }
        }
        return (lossSum / test.Count, correct / test.Count, test.Count);
    }
}
