using OnnxTrainer.Models.Networks;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using OnnxTrainer.Models;
using OnnxTrainer.Runtime;
using OnnxTrainer.Training.Export;
using SkiaSharp;

namespace OnnxTrainer.Example.Service.Tests;

/// <summary>
/// The example service over real HTTP: Kestrel on a free 127.0.0.1 port, HttpClient requests. Good images, a file that
/// is not an image, an oversized upload (4xx with a message, the service still healthy), 200 concurrent requests.
/// </summary>
public sealed class ServiceTests : IAsyncLifetime
{
    private const long MaxUpload = 64 * 1024;
    private readonly string _dir = Directory.CreateTempSubdirectory("onnx-trainer-service-").FullName;
    private string _modelPath = "";
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private ImageModel _reference = null!;
    private byte[][] _images = [];

    public async Task InitializeAsync()
    {
        var model = Zoo.Build("santa-convnet", new ZooOptions { InputShape = [32, 32, 3], Classes = 3 });
        _modelPath = Path.Combine(_dir, "model.onnx");
        Exporter.Save(ZooNetwork.Initialize(model, 7, "santa-convnet") with { ClassNames = ["cat", "dog", "bird"] }, _modelPath);
        _reference = ImageModel.Load(_modelPath, new ImageModelOptions { IntraOpThreads = 1 }); // as the service runs it: bit-identical results
        _images = Enumerable.Range(0, 4).Select(i => Encode(Picture(40 + 8 * i, 36, i), i % 2 == 0 ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg)).ToArray();
        _app = ServiceApp.Build(new ServiceOptions { ModelPath = _modelPath, Port = 0, MaxUploadBytes = MaxUpload, MaxImagePixels = 100_000, IntraOpThreads = 1, Logging = false });
        await _app.StartAsync();
        var url = _app.Urls.Single();
        Assert.StartsWith("http://127.0.0.1:", url); // loopback only
        _http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _reference.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static SKBitmap Picture(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var b = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                b.SetPixel(x, y, new SKColor((byte)(x * 6), (byte)rng.Next(256), (byte)(y * 7)));
        return b;
    }

    private static byte[] Encode(SKBitmap b, SKEncodedImageFormat format)
    {
        using (b) return b.Encode(format, 95).ToArray();
    }

    private static ByteArrayContent Body(byte[] bytes, string type = "application/octet-stream")
    {
        var c = new ByteArrayContent(bytes);
        c.Headers.ContentType = new MediaTypeHeaderValue(type);
        return c;
    }

    private async Task<JsonElement> Json(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    private async Task AssertHealthy()
    {
        var health = await _http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var json = await Json(health);
        Assert.Equal(("ok", "santa-convnet", true), (json.GetProperty("status").GetString(), json.GetProperty("model").GetString(), json.GetProperty("gradcam").GetBoolean()));
        var again = await _http.PostAsync("/predict", Body(_images[0]));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Predict_answers_json_with_the_runtimes_classes_for_raw_and_multipart_uploads()
    {
        for (int i = 0; i < _images.Length; i++)
        {
            var expected = _reference.Predict(_images[i].AsSpan()).TopK(2);
            var r = await _http.PostAsync("/predict?top=2", Body(_images[i], i % 2 == 0 ? "image/png" : "image/jpeg"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("application/json; charset=utf-8", r.Content.Headers.ContentType!.ToString());
            var top = (await Json(r)).GetProperty("top");
            Assert.Equal(expected.Select(c => (c.Index, c.Name, c.Probability)),
                top.EnumerateArray().Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("class").GetString()!, e.GetProperty("probability").GetSingle())));
        }
        using var form = new MultipartFormDataContent { { Body(_images[1], "image/jpeg"), "image", "photo.jpg" } };
        var multipart = await _http.PostAsync("/predict", form);
        Assert.Equal(HttpStatusCode.OK, multipart.StatusCode);
        Assert.Equal(_reference.Predict(_images[1].AsSpan()).Top.Name, (await Json(multipart)).GetProperty("top")[0].GetProperty("class").GetString());
    }

    [Fact]
    public async Task Gradcam_answers_a_png_of_the_image_size()
    {
        var r = await _http.PostAsync("/gradcam?class=dog", Body(_images[2]));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("image/png", r.Content.Headers.ContentType!.MediaType);
        Assert.Equal("dog", r.Headers.GetValues("X-Explained-Class").Single());
        using var png = ImageLoader.Decode(await r.Content.ReadAsByteArrayAsync());
        using var original = ImageLoader.Decode(_images[2]);
        Assert.Equal((original.Width, original.Height), (png.Width, png.Height));
        using var expected = OnnxTrainer.Runtime.Imaging.GradCamRenderer.Overlay(original, _reference.Explain(original, "dog").Heatmap);
        Assert.Equal(expected.Pixels, png.Pixels);

        var predicted = await _http.PostAsync("/gradcam", Body(_images[2]));
        Assert.Equal(_reference.Predict(_images[2].AsSpan()).Top.Name, predicted.Headers.GetValues("X-Explained-Class").Single());
    }

    [Fact]
    public async Task Bad_uploads_get_4xx_with_a_message_and_the_service_stays_healthy()
    {
        var text = await _http.PostAsync("/predict", Body("this is a text file, not an image"u8.ToArray(), "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, text.StatusCode);
        Assert.Equal("Expected an image (PNG, JPEG, GIF, BMP or WebP); the data (33 bytes) is not one SkiaSharp can decode.", (await Json(text)).GetProperty("error").GetString());
        await AssertHealthy();

        var big = new byte[MaxUpload + 1];
        _images[0].CopyTo(big, 0);
        var oversized = await _http.PostAsync("/gradcam", Body(big, "image/png"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        Assert.Equal($"The upload is {MaxUpload + 1} bytes; at most {MaxUpload} are accepted.", (await Json(oversized)).GetProperty("error").GetString());
        await AssertHealthy();

        // chunked (no Content-Length): Kestrel stops reading at the limit
        var chunked = new StreamContent(new MemoryStream(big));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var request = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        var streamed = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Equal($"The upload is larger than {MaxUpload} bytes.", (await Json(streamed)).GetProperty("error").GetString());
        await AssertHealthy();

        // a small file of a huge picture: refused from its header, before decoding
        var huge = Encode(new SKBitmap(new SKImageInfo(400, 400, SKColorType.Rgba8888, SKAlphaType.Opaque)), SKEncodedImageFormat.Png);
        Assert.True(huge.Length < MaxUpload);
        var pixels = await _http.PostAsync("/predict", Body(huge, "image/png"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, pixels.StatusCode);
        Assert.Equal("The image is 400x400 = 160000 pixels; at most 100000 are accepted.", (await Json(pixels)).GetProperty("error").GetString());

        var empty = await _http.PostAsync("/predict", Body([]));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.StartsWith("Expected an image in the request body", (await Json(empty)).GetProperty("error").GetString());
        var badClass = await _http.PostAsync("/gradcam?class=fish", Body(_images[0]));
        Assert.Equal(HttpStatusCode.BadRequest, badClass.StatusCode);
        Assert.Equal("?class= expects a class name or index; model 'santa-convnet' has classes cat, dog, bird; got 'fish'.", (await Json(badClass)).GetProperty("error").GetString());
        var badTop = await _http.PostAsync("/predict?top=zero", Body(_images[0]));
        Assert.Equal(HttpStatusCode.BadRequest, badTop.StatusCode);
        await AssertHealthy();
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_are_all_answered_correctly()
    {
        var expected = _images.Select(i => _reference.Predict(i.AsSpan()).Top).ToArray();
        var expectedPng = new byte[_images.Length][];
        var tasks = Enumerable.Range(0, 200).Select(async k =>
        {
            int i = k % _images.Length;
            if (k % 10 == 9)
            {
                var cam = await _http.PostAsync("/gradcam", Body(_images[i]));
                Assert.Equal(HttpStatusCode.OK, cam.StatusCode);
                return (k, i, (string?)cam.Headers.GetValues("X-Explained-Class").Single(), 0f);
            }
            var r = await _http.PostAsync("/predict", Body(_images[i]));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var top = (await Json(r)).GetProperty("top")[0];
            return (k, i, top.GetProperty("class").GetString(), top.GetProperty("probability").GetSingle());
        }).ToList();
        var answers = await Task.WhenAll(tasks);
        Assert.Equal(200, answers.Length);
        foreach (var (k, i, name, p) in answers)
        {
            Assert.Equal(expected[i].Name, name);
            if (k % 10 != 9) Assert.Equal(expected[i].Probability, p);
        }
        await AssertHealthy();
    }
}
