using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
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
            k.Limits.MaxRequestBufferSize = 64 * 1024; // what Kestrel reads ahead per connection before a request is admitted
        });
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxUploadBytes);
        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(model.Dispose);
        var buffers = new UploadBuffers(options.MaxUploadBytes);
        app.Lifetime.ApplicationStopped.Register(buffers.Dispose);
        var admission = new Admission(new SemaphoreSlim(options.MaxBufferedUploads), buffers, new SemaphoreSlim(options.MaxConcurrentInferences));

        app.MapGet("/health", () => Results.Json(new Health("ok", model.Info.Name, model.Info.ClassNames.ToArray(), model.CanExplain), ServiceJson.Default.Health));

        app.MapPost("/predict", async (HttpRequest request, CancellationToken ct) =>
        {
            int top = 1;
            if (request.Query["top"] is { Count: > 0 } t && (!int.TryParse(t[0], NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1))
                return Error(400, $"?top= expects a whole number >= 1, got '{t[0]}'.");
            if (model.Info.Head == HeadKind.Other) return Error(409, $"Model '{model.Info.Name}' is not a classifier; it has no classes to predict.");
            return await WithImage(request, options, admission, ct, image =>
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
            return await WithImage(request, options, admission, ct, image =>
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

    /// <summary>
    /// Admits the request (at most <see cref="ServiceOptions.MaxBufferedUploads"/> bodies are read and held at once; the
    /// others wait before a byte of theirs is buffered), reads its image into a pooled buffer (<see cref="UploadBuffers"/>),
    /// decodes it and runs <paramref name="work"/> under the inference gate; maps bad input to 4xx JSON.
    /// </summary>
    private static async Task<IResult> WithImage(HttpRequest request, ServiceOptions options, Admission admission, CancellationToken ct, Func<SKBitmap, IResult> work)
    {
        if (request.ContentLength > options.MaxUploadBytes)
            return Error(413, $"The upload is {request.ContentLength} bytes; at most {options.MaxUploadBytes} are accepted.");
        if (MultipartProblem(request) is { } problem) return Error(400, problem);
        await admission.Uploads.WaitAsync(ct);
        byte[] buffer = admission.Buffers.Rent();
        try
        {
            int length;
            try
            {
                length = await ReadImageBytes(request, buffer, options.MaxUploadBytes, ct);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Error(413, $"The upload is larger than {options.MaxUploadBytes} bytes.");
            }
            catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)) // multipart section over a form limit
            {
                return Error(413, e.Message);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                return Error(400, $"Expected an image as the raw body or a multipart/form-data file; the body could not be read: {e.Message}");
            }
            if (length == 0) return Error(400, "Expected an image in the request body (raw bytes, or a multipart/form-data file); the body is empty.");
            await admission.Inferences.WaitAsync(ct);
            try
            {
                using var image = ImageLoader.Decode(buffer.AsSpan(0, length), options.MaxImagePixels);
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
                admission.Inferences.Release();
            }
        }
        finally
        {
            admission.Buffers.Return(buffer);
            admission.Uploads.Release();
        }
    }

    /// <summary>The service's limits on work in flight: uploads held, their buffers, inferences running.</summary>
    private sealed record Admission(SemaphoreSlim Uploads, UploadBuffers Buffers, SemaphoreSlim Inferences);

    /// <summary>RFC 2046 allows boundaries of 1 to 70 characters.</summary>
    public const int MaxBoundaryLength = 70;

    /// <summary>Why a multipart Content-Type cannot be read (no boundary, or one over 70 characters), or null.</summary>
    private static string? MultipartProblem(HttpRequest request)
    {
        if (request.ContentType is not { } type || !MediaTypeHeaderValue.TryParse(type, out var media)
            || !string.Equals(media.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return null;
        string boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value ?? "";
        if (boundary.Length == 0) return "multipart/form-data needs a boundary parameter in its Content-Type (RFC 2046); none was given.";
        if (boundary.Length > MaxBoundaryLength)
            return $"The multipart boundary is {boundary.Length} characters; RFC 2046 allows at most {MaxBoundaryLength}.";
        return null;
    }

    /// <summary>Reads the image (raw body, or the first file of a form) into <paramref name="buffer"/>; returns its length.</summary>
    private static async Task<int> ReadImageBytes(HttpRequest request, byte[] buffer, long maxBytes, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct); // files over 64 KiB are buffered on disk by ASP.NET, not in memory
            var file = form.Files.GetFile("image") ?? form.Files.FirstOrDefault();
            if (file is null) return 0;
            await using var s = file.OpenReadStream();
            return await ReadAll(s, buffer, maxBytes, ct);
        }
        return await ReadAll(request.Body, buffer, maxBytes, ct);
    }

    private static async Task<int> ReadAll(Stream stream, byte[] buffer, long maxBytes, CancellationToken ct)
    {
        int n = 0;
        while (true)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(n), ct);
            if (read == 0) return n;
            n += read;
            if (n > maxBytes) throw new BadHttpRequestException("The upload is too large.", StatusCodes.Status413PayloadTooLarge);
        }
    }

    private static IResult Error(int status, string message) => Results.Json(new ErrorResponse(message), ServiceJson.Default.ErrorResponse, statusCode: status);
}
