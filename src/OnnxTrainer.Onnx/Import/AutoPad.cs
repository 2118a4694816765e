namespace OnnxTrainer.Onnx.Import;

/// <summary>
/// Explicit pads for Conv and pooling auto_pad. SAME_*: output = ceil(in / stride), total pad =
/// max(0, (out - 1) * stride + (kernel - 1) * dilation + 1 - in), the odd pixel at the end (UPPER) or begin (LOWER).
/// VALID: no pad. Pads are [begin..., end...] as ONNX writes them.
/// </summary>
internal static class AutoPad
{
    public static long[] Pads(string mode, long[] input, long[] kernel, long[] strides, long[] dilations)
    {
        int n = input.Length;
        var pads = new long[2 * n];
        if (mode == "VALID") return pads;
        for (int i = 0; i < n; i++)
        {
            long output = (input[i] + strides[i] - 1) / strides[i];
            long total = Math.Max(0, (output - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - input[i]);
            long small = total / 2;
            (pads[i], pads[i + n]) = mode == "SAME_LOWER" ? (total - small, small) : (small, total - small);
        }
        return pads;
    }
}
