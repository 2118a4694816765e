using OnnxTrainer.Runtime;
using OnnxTrainer.Runtime.Imaging;
using SkiaSharp;

namespace OnnxTrainer.Examples;

public static class EmbedExample
{
    /// <summary>Predicts an image, saves its Grad-CAM picture and returns "class probability".</summary>
    public static string Describe(string modelPath, string imagePath, string heatmapPath)
    {
        // Load once and share: an ImageModel is safe to call from many threads at once.
        using var model = ImageModel.Load(modelPath, new ImageModelOptions { IntraOpThreads = 2 });

        // The image is resized to the model's input; the model applies its own rescaling.
        using SKBitmap image = ImageLoader.Decode(imagePath);
        Prediction prediction = model.Predict(image);
        ClassScore best = prediction.Top;

        // Grad-CAM of the predicted class (or model.Explain(image, "dogs")), drawn as in listing 5.44.
        Explanation why = model.Explain(image);
        using SKBitmap picture = GradCamRenderer.Overlay(image, why.Heatmap, intensity: 0.4f);
        ImageFiles.Save(picture, heatmapPath);

        return $"{best.Name} {best.Probability:0.000}";
    }
}
