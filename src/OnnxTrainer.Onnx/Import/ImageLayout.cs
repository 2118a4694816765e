namespace OnnxTrainer.Onnx.Import;

/// <summary>Order of an image tensor's dimensions: batch, channels, height, width (NCHW) or channels last (NHWC).</summary>
public enum ImageLayout
{
    /// Channels first: [N, C, H, W] (PyTorch exports, ONNX's own convention).
    Nchw,
    /// Channels last: [N, H, W, C] (Keras/TensorFlow exports).
    Nhwc,
}
