namespace OnnxTrainer.Autodiff.Tests.Gradients;

/// <summary>
/// The mnist-convnet forward pass in double precision, written plainly for the end-to-end check: finite differences
/// of it with a tiny step neither drown in float32 rounding nor cross ReLU/MaxPool switches.
/// Layers: conv3x3(32) relu, maxpool2, conv3x3(64) relu, maxpool2, conv3x3(64) relu, flatten (NCHW), dense(64) relu,
/// dense(10) softmax. Conv kernels are [O, C, 3, 3], dense kernels [in, out].
/// </summary>
internal static class MnistReference
{
    public static double[] Probabilities(IReadOnlyDictionary<string, double[]> p, double[] x, int batch)
    {
        var (a, c, h) = (x, 1, 28);
        (a, c, h) = Conv(a, batch, c, h, p["conv2d_1/W"], p["conv2d_1/B"]);
        (a, h) = Pool(a, batch, c, h);
        (a, c, h) = Conv(a, batch, c, h, p["conv2d_2/W"], p["conv2d_2/B"]);
        (a, h) = Pool(a, batch, c, h);
        (a, c, h) = Conv(a, batch, c, h, p["conv2d_3/W"], p["conv2d_3/B"]);
        a = Dense(a, batch, c * h * h, p["dense_1/W"], p["dense_1/B"], relu: true);
        a = Dense(a, batch, 64, p["dense_2/W"], p["dense_2/B"], relu: false);
        for (int n = 0; n < batch; n++)
        {
            var row = a.AsSpan(n * 10, 10);
            double max = double.NegativeInfinity, sum = 0;
            foreach (var v in row) max = Math.Max(max, v);
            for (int k = 0; k < 10; k++) sum += row[k] = Math.Exp(row[k] - max);
            for (int k = 0; k < 10; k++) row[k] /= sum;
        }
        return a;
    }

    private static (double[], int, int) Conv(double[] x, int batch, int c, int h, double[] w, double[] b)
    {
        int o = b.Length, ho = h - 2;
        var y = new double[batch * o * ho * ho];
        for (int n = 0; n < batch; n++)
            for (int f = 0; f < o; f++)
                for (int r = 0; r < ho; r++)
                    for (int q = 0; q < ho; q++)
                    {
                        double s = b[f];
                        for (int ch = 0; ch < c; ch++)
                            for (int i = 0; i < 3; i++)
                                for (int j = 0; j < 3; j++)
                                    s += w[((f * c + ch) * 3 + i) * 3 + j] * x[((n * c + ch) * h + r + i) * h + q + j];
                        y[((n * o + f) * ho + r) * ho + q] = Math.Max(s, 0);
                    }
        return (y, o, ho);
    }

    private static (double[], int) Pool(double[] x, int batch, int c, int h)
    {
        int ho = h / 2;
        var y = new double[batch * c * ho * ho];
        for (int m = 0; m < batch * c; m++)
            for (int r = 0; r < ho; r++)
                for (int q = 0; q < ho; q++)
                {
                    double v = double.NegativeInfinity;
                    for (int i = 0; i < 2; i++)
                        for (int j = 0; j < 2; j++)
                            v = Math.Max(v, x[(m * h + 2 * r + i) * h + 2 * q + j]);
                    y[(m * ho + r) * ho + q] = v;
                }
        return (y, ho);
    }

    private static double[] Dense(double[] x, int batch, int inputs, double[] w, double[] b, bool relu)
    {
        int units = b.Length;
        var y = new double[batch * units];
        for (int n = 0; n < batch; n++)
            for (int u = 0; u < units; u++)
            {
                double s = b[u];
                for (int i = 0; i < inputs; i++) s += x[n * inputs + i] * w[i * units + u];
                y[n * units + u] = relu ? Math.Max(s, 0) : s;
            }
        return y;
    }
}
