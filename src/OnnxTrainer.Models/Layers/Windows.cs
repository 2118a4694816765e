namespace OnnxTrainer.Models.Layers;

/// <summary>Output sizes and padding of sliding windows (Conv2D, pooling) with Keras' rules.</summary>
public static class Windows
{
    /// <summary>valid: floor((in - k) / s) + 1; same: ceil(in / s).</summary>
    public static long[] OutputSize(string layer, string type, long[] input, (int H, int W) kernel, (int H, int W) strides, Padding padding)
    {
        long h = input[0], w = input[1];
        if (padding == Padding.Same)
            return [(h + strides.H - 1) / strides.H, (w + strides.W - 1) / strides.W];
        if (h < kernel.H || w < kernel.W)
            throw new ModelException(
                $"{type} layer '{layer}' needs an input of at least {kernel.H}x{kernel.W} with padding 'valid', got {h}x{w}; use a larger --input-shape.");
        return [(h - kernel.H) / strides.H + 1, (w - kernel.W) / strides.W + 1];
    }

    /// <summary>
    /// ONNX pads [top, left, bottom, right]. 'same' pads total = max((out - 1) * s + k - in, 0), the smaller
    /// half before (as TensorFlow does).
    /// </summary>
    public static long[] Pads(long[] input, (int H, int W) kernel, (int H, int W) strides, Padding padding)
    {
        if (padding == Padding.Valid) return [0, 0, 0, 0];
        long th = Total(input[0], kernel.H, strides.H), tw = Total(input[1], kernel.W, strides.W);
        return [th / 2, tw / 2, th - th / 2, tw - tw / 2];
    }

    private static long Total(long size, int k, int s)
    {
        long outSize = (size + s - 1) / s;
        return Math.Max((outSize - 1) * s + k - size, 0);
    }
}
