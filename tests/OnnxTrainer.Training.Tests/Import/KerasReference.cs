namespace OnnxTrainer.Training.Tests.Import;

/// <summary>
/// Keras' own computation, written out: NHWC tensors, HWIO kernels, Flatten in NHWC order, Dense [in, out].
/// Only what mnist-convnet needs (valid 3x3 convs, 2x2 max pools, relu, softmax).
/// </summary>
public static class KerasReference
{
    /// <summary>mnist-convnet's softmax for one 28x28x1 image, from weights in Keras layout (KerasFiles.RandomWeights order).</summary>
    public static float[] MnistConvnet(ReadOnlySpan<float> image, IReadOnlyList<(string Layer, List<KerasWeight> Weights)> keras)
    {
        KerasWeight W(string layer, int i) => keras.Single(l => l.Layer == layer).Weights[i];
        var (x, h, w, c) = (image.ToArray(), 28, 28, 1);
        (x, h, w, c) = Conv(x, h, w, c, W("conv2d_1", 0), W("conv2d_1", 1));
        (x, h, w) = Pool(x, h, w, c);
        (x, h, w, c) = Conv(x, h, w, c, W("conv2d_2", 0), W("conv2d_2", 1));
        (x, h, w) = Pool(x, h, w, c);
        (x, h, w, c) = Conv(x, h, w, c, W("conv2d_3", 0), W("conv2d_3", 1));
        x = Dense(x, W("dense_1", 0), W("dense_1", 1), relu: true); // x is already NHWC-flat: Keras' Flatten
        var logits = Dense(x, W("dense_2", 0), W("dense_2", 1), relu: false);
        double max = logits.Max(), sum = logits.Sum(v => Math.Exp(v - max));
        return logits.Select(v => (float)(Math.Exp(v - max) / sum)).ToArray();
    }

    private static (float[], int, int, int) Conv(float[] x, int h, int w, int c, KerasWeight kernel, KerasWeight bias)
    {
        int k = (int)kernel.Dims[0], o = (int)kernel.Dims[3], oh = h - k + 1, ow = w - k + 1;
        var y = new float[oh * ow * o];
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
                for (int f = 0; f < o; f++)
                {
                    double s = bias.Data[f];
                    for (int dy = 0; dy < k; dy++)
                        for (int dx = 0; dx < k; dx++)
                            for (int ch = 0; ch < c; ch++)
                                s += (double)x[((i + dy) * w + j + dx) * c + ch] * kernel.Data[((dy * k + dx) * c + ch) * o + f];
                    y[(i * ow + j) * o + f] = (float)Math.Max(0, s);
                }
        return (y, oh, ow, o);
    }

    private static (float[], int, int) Pool(float[] x, int h, int w, int c)
    {
        int oh = h / 2, ow = w / 2;
        var y = new float[oh * ow * c];
        for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
                for (int ch = 0; ch < c; ch++)
                    y[(i * ow + j) * c + ch] = Math.Max(
                        Math.Max(x[(2 * i * w + 2 * j) * c + ch], x[(2 * i * w + 2 * j + 1) * c + ch]),
                        Math.Max(x[((2 * i + 1) * w + 2 * j) * c + ch], x[((2 * i + 1) * w + 2 * j + 1) * c + ch]));
        return (y, oh, ow);
    }

    private static float[] Dense(float[] x, KerasWeight kernel, KerasWeight bias, bool relu)
    {
        int n = (int)kernel.Dims[0], u = (int)kernel.Dims[1];
        var y = new float[u];
        for (int j = 0; j < u; j++)
        {
            double s = bias.Data[j];
            for (int i = 0; i < n; i++) s += (double)x[i] * kernel.Data[i * u + j];
            y[j] = (float)(relu ? Math.Max(0, s) : s);
        }
        return y;
    }
}
