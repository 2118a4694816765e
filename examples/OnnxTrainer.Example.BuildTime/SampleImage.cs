using SkiaSharp;

namespace OnnxTrainer.Examples;

/// <summary>The picture the sample predicts, drawn in code: a sky-to-grass gradient with a gold disc, 150x150.</summary>
public static class SampleImage
{
    public static SKBitmap Draw()
    {
        var image = new SKBitmap(150, 150);
        using var canvas = new SKCanvas(image);
        using var sky = new SKPaint
        {
            Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, 150), [SKColors.SkyBlue, SKColors.DarkGreen], SKShaderTileMode.Clamp),
        };
        canvas.DrawRect(0, 0, 150, 150, sky);
        using var sun = new SKPaint { Color = SKColors.Gold, IsAntialias = true };
        canvas.DrawCircle(95, 55, 30, sun);
        return image;
    }
}
