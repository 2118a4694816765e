using OnnxTrainer.Runtime;
using Microsoft.ML.OnnxRuntime;
using OnnxTrainer.Autodiff.Steps;
using OnnxTrainer.Data;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Training.Jobs;

/// <summary>
/// model.evaluate for an exported model: the same eval step graph the trainer runs (the model's loss from its logits
/// and its accuracy), so train and evaluate print the same test_loss for the same model.
/// </summary>
public static class EvaluateJob
{
    public static (double Loss, double Acc, int Count) Run(string modelPath, string data, int batchSize = 64, ExecutionDevice device = ExecutionDevice.Cpu, long? maxMemory = null)
    {
        var network = FileNetwork.FromGraph(OnnxModel.Load(modelPath), modelPath);
        if (!network.IsClassifier)
            throw new ArgumentException($"'{modelPath}' is not a classifier (its output '{network.Output}' is not a softmax or sigmoid); evaluate needs class probabilities.");
        if (!network.Input.IsImage)
            throw new ArgumentException($"'{modelPath}' does not take images (input '{network.Input.Name}' has example dims ({string.Join(",", network.Input.ExampleDims)})).");
        var dims = network.Input.ExampleDims; // (C, H, W)
        // Image folders are resized and color-converted to the model's input; IDX images must match it.
        var test = DataSpec.Parse(data).OpenTest(new SourceOptions { Input = ((int)dims[1], (int)dims[2], (int)dims[0]) }, TextWriter.Null);
        if (!dims.SequenceEqual(test.ExampleShape))
            throw new ArgumentException($"'{modelPath}' takes (C,H,W) = ({string.Join(",", dims)}) inputs, but {data} images are ({string.Join(",", test.ExampleShape)}).");
        var loss = Targets.DefaultLoss(network);
        var eval = EvalStepGraph.Build(network, loss);
        Memory.MemoryBudget.CheckStep($"Evaluating '{modelPath}'", batchSize, maxMemory, eval.Graph);
        var encoding = network.Units == 1 ? TargetEncoding.Binary : TargetEncoding.OneHot;
        int width = TargetEncoder.Width(encoding, network.Classes);

        using var options = ExecutionDevices.CreateSessionOptions(device);
        using var session = new InferenceSession(OnnxModel.ToBytes(eval.Graph), options);
        int per = (int)Shapes.Product(test.ExampleShape);
        var input = new float[batchSize * per];
        var targets = new float[batchSize * width];
        var indices = new int[batchSize];
        using var run = new RunOptions();
        double lossSum = 0, accSum = 0;
        for (int start = 0; start < test.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, test.Count - start);
            for (int i = 0; i < n; i++)
            {
                indices[i] = start + i;
                int label = test.Label(start + i);
                try
                {
                    TargetEncoder.Encode(label, encoding, network.Classes, targets.AsSpan(i * width, width));
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"Test example {start + i} of {data}: {e.Message}", e);
                }
            }
            test.FillImages(indices.AsSpan(0, n), input.AsSpan(0, n * per), null);
            using var x = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(input, 0, n * per), [n, .. test.ExampleShape]);
            using var y = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(targets, 0, n * width), [n, width]);
            using var results = session.Run(run, [network.Input.Name, Targets.Name], [x, y], [TrainStepGraph.LossOutput, TrainStepGraph.MetricOutput]);
            lossSum += results[0].GetTensorDataAsSpan<float>()[0] * n;
            accSum += results[1].GetTensorDataAsSpan<float>()[0] * n;
        }
        return (lossSum / test.Count, accSum / test.Count, test.Count);
    }
}
