using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models;

/// <summary>
/// How raw pixels (0..255, RGB) become the network's input, as the first op of every graph the model emits, so the
/// exported model takes raw pixels and carries its own preprocessing. rescale: x / 255 (Keras rescale=1./255, the
/// chapter's choice); caffe: RGB to BGR minus the ImageNet BGR mean (keras vgg16.preprocess_input); torch: x / 255,
/// minus the ImageNet mean, divided by its std (torchvision); none: pixels as they are.
/// </summary>
public enum Preprocessing { Rescale, Caffe, Torch, None }

public static class PreprocessingGraph
{
    public static readonly float[] CaffeMeanBgr = [103.939f, 116.779f, 123.68f];
    public static readonly float[] TorchMean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] TorchStd = [0.229f, 0.224f, 0.225f];

    public static string Name(this Preprocessing p) => p.ToString().ToLowerInvariant();

    public static Preprocessing Parse(string text) => text.ToLowerInvariant() switch
    {
        "rescale" => Preprocessing.Rescale,
        "caffe" => Preprocessing.Caffe,
        "torch" => Preprocessing.Torch,
        "none" => Preprocessing.None,
        _ => throw new ModelException($"Unknown preprocessing '{text}'. Expected one of: rescale, caffe, torch, none."),
    };

    /// <summary>
    /// Emits the preprocessing of <paramref name="x"/> (NCHW raw pixels). caffe and torch are per-channel affine maps,
    /// emitted as one 1x1 Conv with constant weights (the channel swap and the normalization in a single op).
    /// </summary>
    public static string Emit(GraphBuilder b, string x, Preprocessing p, long channels)
    {
        if (p is Preprocessing.Caffe or Preprocessing.Torch && channels != 3)
            throw new ModelException($"Preprocessing '{p.Name()}' needs RGB input (3 channels), got {channels} channel(s); use rescale.");
        switch (p)
        {
            case Preprocessing.None:
                return x;
            case Preprocessing.Rescale:
                return b.Op("Mul", [x, b.Const(1f / 255f)], "preprocess/out");
            default:
            {
                var w = new float[9];
                var bias = new float[3];
                for (int o = 0; o < 3; o++)
                {
                    if (p == Preprocessing.Caffe)
                    {
                        w[o * 3 + (2 - o)] = 1f; // output channel o (BGR) reads input channel 2 - o (RGB)
                        bias[o] = -CaffeMeanBgr[o];
                    }
                    else
                    {
                        w[o * 3 + o] = 1f / (255f * TorchStd[o]);
                        bias[o] = -TorchMean[o] / TorchStd[o];
                    }
                }
                string wName = b.Initializer(Tensor.FromFloats("preprocess/W", w, 3, 3, 1, 1));
                string bName = b.Initializer(Tensor.FromFloats("preprocess/B", bias, 3));
                return b.Op("Conv", [x, wName, bName], "preprocess/out", GraphBuilder.A("kernel_shape", new long[] { 1, 1 }));
            }
        }
    }
}
