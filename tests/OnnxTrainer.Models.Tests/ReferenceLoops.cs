namespace OnnxTrainer.Models.Tests;

/// <summary>
/// Plain loop implementations of the layers over NCHW tensors, written from Keras/TensorFlow's definitions and
/// independent of the code under test: 'valid' = no padding, floor((in - k) / s) + 1 outputs; 'same' = ceil(in / s)
/// outputs with total padding max((out - 1) * s + k - in, 0), the smaller half before.
/// </summary>
public static class ReferenceLoops
{
    /// <summary>Output size and padding before the first element along one spatial axis.</summary>
    public static (int Out, int PadBefore) Axis(int size, int k, int s, bool same)
    {
        if (!same) return ((size - k) / s + 1, 0);
        int outSize = (size + s - 1) / s;
        int total = Math.Max((outSize - 1) * s + k - size, 0);
        return (outSize, total / 2);
    }

    /// <summary>y[n,o,i,j] = B[o] + sum over c, u, v of x[n,c,i*sh+u-pt,j*sw+v-pl] * W[o,c,u,v] (out-of-range x is 0).</summary>
    public static float[] Conv2D(float[] x, int n, int c, int h, int w, float[] kernel, float[] bias, int filters,
        (int H, int W) k, (int H, int W) s, bool same, out int outH, out int outW)
    {
        var (oh, pt) = Axis(h, k.H, s.H, same);
        var (ow, pl) = Axis(w, k.W, s.W, same);
        var y = new float[n * filters * oh * ow];
        for (int b = 0; b < n; b++)
        for (int o = 0; o < filters; o++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double sum = bias[o];
            for (int ch = 0; ch < c; ch++)
            for (int u = 0; u < k.H; u++)
            for (int v = 0; v < k.W; v++)
            {
                int yy = i * s.H + u - pt, xx = j * s.W + v - pl;
                if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                sum += x[((b * c + ch) * h + yy) * w + xx] * kernel[((o * c + ch) * k.H + u) * k.W + v];
            }
            y[((b * filters + o) * oh + i) * ow + j] = (float)sum;
        }
        (outH, outW) = (oh, ow);
        return y;
    }

    /// <summary>Max or mean over the window's positions inside the input; padding never takes part (TF 'same' pooling).</summary>
    public static float[] Pool(float[] x, int n, int c, int h, int w, bool max, (int H, int W) k, (int H, int W) s, bool same,
        out int outH, out int outW)
    {
        var (oh, pt) = Axis(h, k.H, s.H, same);
        var (ow, pl) = Axis(w, k.W, s.W, same);
        var y = new float[n * c * oh * ow];
        for (int b = 0; b < n; b++)
        for (int ch = 0; ch < c; ch++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double acc = max ? double.NegativeInfinity : 0;
            int count = 0;
            for (int u = 0; u < k.H; u++)
            for (int v = 0; v < k.W; v++)
            {
                int yy = i * s.H + u - pt, xx = j * s.W + v - pl;
                if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                float value = x[((b * c + ch) * h + yy) * w + xx];
                acc = max ? Math.Max(acc, value) : acc + value;
                count++;
            }
            y[((b * c + ch) * oh + i) * ow + j] = (float)(max ? acc : acc / count);
        }
        (outH, outW) = (oh, ow);
        return y;
    }

    /// <summary>y[n,u] = B[u] + sum over f of x[n,f] * W[f,u] (Keras kernel layout [in, units]).</summary>
    public static float[] Dense(float[] x, int n, int features, float[] kernel, float[] bias, int units)
    {
        var y = new float[n * units];
        for (int b = 0; b < n; b++)
        for (int u = 0; u < units; u++)
        {
            double sum = bias[u];
            for (int f = 0; f < features; f++) sum += x[b * features + f] * kernel[f * units + u];
            y[b * units + u] = (float)sum;
        }
        return y;
    }

    public static float[] Relu(float[] x) => x.Select(v => Math.Max(v, 0f)).ToArray();

    public static float[] Sigmoid(float[] x) => x.Select(v => (float)(1 / (1 + Math.Exp(-v)))).ToArray();

    /// <summary>Softmax over the last axis of rows of length <paramref name="width"/>.</summary>
    public static float[] Softmax(float[] x, int width)
    {
        var y = new float[x.Length];
        for (int r = 0; r < x.Length / width; r++)
        {
            var row = x.AsSpan(r * width, width);
            double m = double.NegativeInfinity;
            foreach (var v in row) m = Math.Max(m, v);
            double z = 0;
            foreach (var v in row) z += Math.Exp(v - m);
            for (int i = 0; i < width; i++) y[r * width + i] = (float)(Math.Exp(row[i] - m) / z);
        }
        return y;
    }
}
