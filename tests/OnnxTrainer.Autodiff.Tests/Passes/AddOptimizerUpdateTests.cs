using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Autodiff.Passes;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Autodiff.Tests.Passes;

/// <summary>The optimizer update as a pass: slots become inputs, the next values are what the rule says.</summary>
public class AddOptimizerUpdateTests
{
    [Fact]
    public void Rmsprop_update_adds_one_slot_per_parameter_and_computes_the_keras_step()
    {
        var b = new GraphBuilder("g");
        string w = b.Input("w", TensorType.Float(2));
        string g = b.Input("g", TensorType.Float(2));
        string lr = b.Input("lr", TensorType.Float());
        string step = b.Input("step", TensorType.Float());
        var result = AddOptimizerUpdate.Apply(b.Graph, Optimizer.Create("rmsprop"), [KeyValuePair.Create(w, g)], lr, step);
        Assert.Equal(["rmsprop/rms/w"], result.InputsAdded);
        Assert.Equal(["w", "rmsprop/rms/w"], result.Values.Keys);
        foreach (var v in result.Values.Values) b.Output(v);
        var outs = OrtRunner.RunOnce(b.Graph,
            Tensor.FromFloats("w", [1f, -2f], 2), Tensor.FromFloats("g", [0.5f, -1f], 2), Tensor.FromFloats("lr", [0.1f]),
            Tensor.FromFloats("step", [1f]), Tensor.FromFloats("rmsprop/rms/w", [0f, 0f], 2));
        // Keras 2 RMSprop, rho 0.9, eps 1e-7: a = 0.9*0 + 0.1*g^2; w' = w - lr*g/(sqrt(a) + eps)
        double[] a = [0.1 * 0.25, 0.1 * 1.0];
        Numeric.AssertClose([(float)a[0], (float)a[1]], outs[result.Values["rmsprop/rms/w"]].Floats, atol: 1e-7f, rtol: 1e-6f, what: "slot");
        Numeric.AssertClose([(float)(1 - 0.1 * 0.5 / (Math.Sqrt(a[0]) + 1e-7)), (float)(-2 + 0.1 * 1.0 / (Math.Sqrt(a[1]) + 1e-7))],
            outs[result.Values["w"]].Floats, atol: 1e-6f, rtol: 1e-6f, what: "w'");
    }
}
