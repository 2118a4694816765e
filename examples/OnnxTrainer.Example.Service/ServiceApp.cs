using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using OnnxTrainer.Runtime;
using OnnxTrainer.Runtime.Imaging;
using SkiaSharp;

namespace OnnxTrainer.Example.Service;

/// <summary>
/// The service: one <see cref="ImageModel"/> loaded at start and shared by every request (it is thread-safe), at most
/// <see cref="ServiceOptions.MaxConcurrentInferences"/> inferences at once. The image is the raw request body, or the
/// first file of a multipart/form-data upload. Errors are JSON {"error": "..."} with a 4xx status.
/// </summary>
public static class ServiceApp
{
    public static WebApplication Build(ServiceOptions options)
    {
        var model = ImageModel.Load(options.ModelPath, new ImageModelOptions { IntraOpThreads = options.IntraOpThreads, MaxImagePixels = options.MaxImagePixels });
        var builder = WebApplication.CreateSlimBuilder();
        if (!options.Logging) builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port); // loopback only
            k.Limits.MaxRequestBodySize = options.MaxUploadBytes;
        });
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxUploadBytes);
        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(model.Dispose);
        var gate = new SemaphoreSlim(options.MaxConcurrentInferences);

        app.MapGet("/health", () => Results.Json(new Health("ok", model.Info.Name, model.Info.ClassNames.ToArray(), model.CanExplain), ServiceJson.Default.Health));

        app.MapPost("/predict", async (HttpRequest request, CancellationToken ct) =>
        {
            int top = 1;
            if (request.Query["top"] is { Count: > 0 } t && (!int.TryParse(t[0], NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1))
                return Error(400, $"?top= expects a whole number >= 1, got '{t[0]}'.");
            if (model.Info.Head == HeadKind.Other) return Error(409, $"Model '{model.Info.Name}' is not a classifier; it has no classes to predict.");
            return await WithImage(request, options, gate, ct, image =>
            {
                var p = model.Predict(image);
                var classes = p.TopK(top).Select(c => new Score(c.Index, c.Name, c.Probability)).ToArray();
                return Results.Json(new PredictResponse(model.Info.Name, classes), ServiceJson.Default.PredictResponse);
            });
        });

        app.MapPost("/gradcam", async (HttpRequest request, CancellationToken ct) =>
        {
            if (!model.CanExplain) return Error(409, $"Model '{model.Info.Name}' has no Grad-CAM outputs; export a classifier without --no-explain.");
            int? classIndex = null;
            if (request.Query["class"] is { Count: > 0 } c)
            {
                string text = c[0]!;
                if (model.Info.ClassNames.Contains(text, StringComparer.OrdinalIgnoreCase)) classIndex = model.Info.ClassIndex(text);
                else if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k < model.Info.ClassNames.Count) classIndex = k;
                else return Error(400, $"?class= expects a class name or index; model '{model.Info.Name}' has classes {string.Join(", ", model.Info.ClassNames)}; got '{text}'.");
            }
            return await WithImage(request, options, gate, ct, image =>
            {
                var e = model.Explain(image, classIndex);
                using var overlay = GradCamRenderer.Overlay(image, e.Heatmap);
                var png = ImageFiles.Encode(overlay, ImageFormat.Png);
                request.HttpContext.Response.Headers["X-Explained-Class"] = e.ExplainedClass.Name;
                return Results.File(png, "image/png");
            });
        });
        return app;
    }

    /// <summary>Reads and decodes the uploaded image, then runs <paramref name="work"/> under the inference gate; maps bad input to 4xx.</summary>
    private static async Task<IResult> WithImage(HttpRequest request, ServiceOptions options, SemaphoreSlim gate, CancellationToken ct, Func<SKBitmap, IResult> work)
    {
        if (request.ContentLength > options.MaxUploadBytes)
            return Error(413, $"The upload is {request.ContentLength} bytes; at most {options.MaxUploadBytes} are accepted.");
        byte[] bytes;
        try
        {
            bytes = await ReadImageBytes(request, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Error(413, $"The upload is larger than {options.MaxUploadBytes} bytes.");
        }
        catch (InvalidDataException e) // multipart body over the form limit
        {
            return Error(413, e.Message);
        }
        if (bytes.Length == 0) return Error(400, "Expected an image in the request body (raw bytes, or a multipart/form-data file); the body is empty.");
        await gate.WaitAsync(ct);
        try
        {
            using var image = ImageLoader.Decode(bytes, options.MaxImagePixels);
            return work(image);
        }
        catch (ImageTooLargeException e)
        {
            return Error(413, e.Message);
        }
        catch (ImageDecodeException e)
        {
            return Error(400, e.Message);
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<byte[]> ReadImageBytes(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var file = form.Files.GetFile("image") ?? form.Files.FirstOrDefault();
            if (file is null) return [];
            using var s = file.OpenReadStream();
            using var ms = new MemoryStream();
            await s.CopyToAsync(ms, ct);
            return ms.ToArray();
        }
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, ct);
        return body.ToArray();
    }

    private static IResult Error(int status, string message) => Results.Json(new ErrorResponse(message), ServiceJson.Default.ErrorResponse, statusCode: status);
}
