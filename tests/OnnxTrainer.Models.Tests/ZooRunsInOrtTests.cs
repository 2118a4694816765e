using OnnxTrainer.Models;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Models.Tests;

/// <summary>Every exported zoo model loads in ONNX Runtime and gives outputs of the expected shape and range.</summary>
public class ZooRunsInOrtTests
{
    public static TheoryData<string, string?, int> Cases => new()
    {
        { "mnist-convnet", null, 10 },
        { "catsdogs-convnet", null, 1 },
        { "catsdogs-convnet-dropout", null, 1 },
        { "santa-convnet", null, 1 },
        { "mnist-convnet", "dense256", 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Runs_with_expected_output(string name, string? head, int classes)
    {
        var model = Zoo.Build(name, new ZooOptions { Head = head, Classes = head is null ? null : classes });
        var fwd = ForwardGraph.Build(model, Weights.Initialize(model, seed: 1), training: false);
        var (h, w, c) = (model.InputShape[0], model.InputShape[1], model.InputShape[2]);
        const int batch = 3;
        var x = Tensor.FromFloats("input", Numeric.Random((int)(batch * c * h * w), 7, 0, 1), batch, c, h, w);
        var y = OrtRunner.RunOnce(fwd.Graph, x)["output"];
        Assert.Equal(new long[] { batch, classes }, y.Dims);
        var p = y.Floats;
        if (classes == 1)
            Assert.All(p, v => Assert.InRange(v, 1e-7f, 1 - 1e-7f));
        else
            for (int r = 0; r < batch; r++)
                Assert.Equal(1.0, p.Skip(r * classes).Take(classes).Sum(v => (double)v), 5);
    }
}
