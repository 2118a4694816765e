namespace OnnxTrainer.Onnx.Import;

/// <summary>Order of an image tensor's dimensions: batch, channels, height, width (NCHW) or channels last (NHWC).</summary>
public enum ImageLayout
{
    Nchw,
    Nhwc,
}
