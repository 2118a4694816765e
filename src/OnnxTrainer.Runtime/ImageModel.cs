using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace OnnxTrainer.Runtime;

/// <summary>
/// An exported OnnxTrainer model loaded into ONNX Runtime: predictions with class names, Grad-CAM explanations and
/// intermediate activations, from image files, streams, bytes or decoded bitmaps. Images are resized to the model's
/// input size and passed as raw 0..255 RGB pixels; the graph applies its own rescaling (rescale, caffe or torch) as
/// its first op. One instance is safe to use from many threads at once (ONNX Runtime sessions are; nothing else is
/// shared between calls).
/// </summary>
public sealed class ImageModel : IDisposable
{
    /// <summary>The optional input of models exported with Grad-CAM outputs: the class to explain per image, -1 for the predicted one.</summary>
    public const string ExplainClassInput = "explain_class";

    /// <summary>Grad-CAM output: the explained layer's activations A [N, K, h, w].</summary>
    public const string ExplainActivations = "explain/activations";

    /// <summary>Grad-CAM output: d(class score)/dA [N, K, h, w].</summary>
    public const string ExplainGradients = "explain/gradients";

    /// <summary>Grad-CAM output: the heatmap [N, h, w] in [0, 1].</summary>
    public const string ExplainHeatmap = "explain/heatmap";

    /// <summary>Grad-CAM output: the class explained per image, int64 [N].</summary>
    public const string ExplainClass = "explain/class";

    /// <summary>Metadata naming the exposed feature maps: JSON [[layer, value], ...] (written by the activations pass).</summary>
    private const string ActivationsKey = "onnx_trainer.activations";

    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly ImageModelOptions _options;
    private readonly string[] _activationLayers;
    private readonly Dictionary<string, string> _activationValues = new(StringComparer.Ordinal);

    private ImageModel(InferenceSession session, ImageModelOptions options, string source)
    {
        _session = session;
        _options = options;
        try
        {
            Info = ModelInfo.FromMetadata(session.ModelMetadata.CustomMetadataMap);
            if (!session.InputMetadata.TryGetValue(Info.InputName, out var input) || input.Dimensions is not [_, var c, var h, var w] || c != Info.Channels || h != Info.Height || w != Info.Width)
                throw new InvalidDataException($"{source}: expected the input '{Info.InputName}' of shape [N,{Info.Channels},{Info.Height},{Info.Width}] its metadata describes; " +
                                               $"the graph's inputs are {string.Join(", ", session.InputMetadata.Select(kv => $"{kv.Key} [{string.Join(",", kv.Value.Dimensions)}]"))}.");
            if (!session.OutputMetadata.ContainsKey(Info.OutputName))
                throw new InvalidDataException($"{source}: the graph has no output '{Info.OutputName}'; its outputs are {string.Join(", ", session.OutputNames)}.");
            CanExplain = Info.GradCamLayer is not null && Info.Head != HeadKind.Other
                && new[] { ExplainActivations, ExplainGradients, ExplainHeatmap, ExplainClass }.All(session.OutputMetadata.ContainsKey);
            if (session.ModelMetadata.CustomMetadataMap.TryGetValue(ActivationsKey, out var json))
            {
                string[][] pairs;
                try
                {
                    pairs = System.Text.Json.JsonSerializer.Deserialize<string[][]>(json) ?? [];
                }
                catch (System.Text.Json.JsonException e)
                {
                    throw new InvalidDataException($"{source}: metadata {ActivationsKey} is not a JSON list of [layer, value] pairs ({e.Message}).");
                }
                foreach (var pair in pairs)
                    if (pair is [var layer, var value] && session.OutputMetadata.ContainsKey(value)) _activationValues.TryAdd(layer, value);
            }
            _activationLayers = [.. _activationValues.Keys];
        }
        catch
        {
            session.Dispose();
            _run.Dispose();
            throw;
        }
    }

    /// <summary>Loads the .onnx file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not an OnnxTrainer model (its metadata is missing or does not fit the graph).</exception>
    /// <exception cref="NotSupportedException">CUDA was asked for and cannot run here; the message names what is missing (<see cref="ExecutionDevices.EnsureAvailable"/>).</exception>
    public static ImageModel Load(string path, ImageModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        options ??= new ImageModelOptions();
        using var so = SessionOptionsFor(options);
        return new ImageModel(Create(() => new InferenceSession(path, so), $"'{path}'"), options, $"'{path}'");
    }

    /// <summary>Loads a model from the bytes of an .onnx file.</summary>
    public static ImageModel Load(byte[] model, ImageModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new ImageModelOptions();
        using var so = SessionOptionsFor(options);
        return new ImageModel(Create(() => new InferenceSession(model, so), "the model bytes"), options, "the model bytes");
    }

    /// <summary>What the model's metadata says about it: name, input size, classes, head, Grad-CAM layer.</summary>
    public ModelInfo Info { get; }

    /// <summary>True when the model has Grad-CAM outputs (exported from a classifier without --no-explain).</summary>
    public bool CanExplain { get; }

    /// <summary>The layers whose activations the graph outputs (named by its metadata), in graph order (usually none in an export).</summary>
    public IReadOnlyList<string> ActivationLayers => _activationLayers;

    /// <summary>Predicts the image file at <paramref name="path"/>.</summary>
    public Prediction Predict(string path)
    {
        using var image = ImageLoader.Decode(path, _options.MaxImagePixels);
        return Predict(image);
    }

    /// <summary>Predicts the encoded image read from <paramref name="stream"/>.</summary>
    public Prediction Predict(Stream stream)
    {
        using var image = ImageLoader.Decode(stream, _options.MaxImagePixels);
        return Predict(image);
    }

    /// <summary>Predicts an encoded image (PNG, JPEG, ...) held in memory.</summary>
    public Prediction Predict(ReadOnlySpan<byte> encodedImage)
    {
        using var image = ImageLoader.Decode(encodedImage, _options.MaxImagePixels);
        return Predict(image);
    }

    /// <summary>Predicts a decoded image (any size; it is resized to the model's input).</summary>
    public Prediction Predict(SKBitmap image) => PredictBatch([image])[0];

    /// <summary>Predicts many images, <see cref="ImageModelOptions.MaxBatchSize"/> per ONNX Runtime call; results in the same order.</summary>
    public IReadOnlyList<Prediction> PredictBatch(IReadOnlyList<SKBitmap> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var results = new List<Prediction>(images.Count);
        for (int start = 0; start < images.Count; start += _options.MaxBatchSize)
        {
            int n = Math.Min(_options.MaxBatchSize, images.Count - start);
            using var input = Input(images, start, n);
            using var outputs = _session.Run(_run, [Info.InputName], [input], [Info.OutputName]);
            var y = outputs[0].GetTensorDataAsSpan<float>();
            int per = y.Length / n;
            for (int i = 0; i < n; i++) results.Add(MakePrediction(y.Slice(i * per, per).ToArray()));
        }
        return results;
    }

    /// <summary>
    /// Grad-CAM for one image: the heatmap of class <paramref name="classIndex"/> (default: the predicted class) on the
    /// layer chosen at export (<see cref="ModelInfo.GradCamLayer"/>), with the prediction, in one ONNX Runtime call.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no Grad-CAM outputs (<see cref="CanExplain"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The class index is not one of the model's classes.</exception>
    public Explanation Explain(SKBitmap image, int? classIndex = null)
    {
        if (!CanExplain)
            throw new InvalidOperationException(Info.Head == HeadKind.Other
                ? $"Model '{Info.Name}' is not a classifier; Grad-CAM explains a class score. Export it with a head (for example --head dense256)."
                : $"Model '{Info.Name}' has no Grad-CAM outputs; export it again without --no-explain.");
        if (classIndex is { } k && (k < 0 || k >= Info.ClassNames.Count))
            throw new ArgumentOutOfRangeException(nameof(classIndex), k, $"Model '{Info.Name}' has classes 0 to {Info.ClassNames.Count - 1} ({string.Join(", ", Info.ClassNames)}).");
        using var input = Input([image], 0, 1);
        using var cls = OrtValue.CreateTensorValueFromMemory(new long[] { classIndex ?? -1 }, [1]);
        using var outputs = _session.Run(_run, [Info.InputName, ExplainClassInput], [input, cls],
            [Info.OutputName, ExplainActivations, ExplainGradients, ExplainHeatmap, ExplainClass]);
        var prediction = MakePrediction(outputs[0].GetTensorDataAsSpan<float>().ToArray());
        string layer = Info.GradCamLayer!;
        var activations = Map(layer, outputs[1]);
        var gradients = Map(layer, outputs[2]);
        var heat = outputs[3];
        var dims = heat.GetTensorTypeAndShape().Shape;
        var heatmap = new Heatmap((int)dims[2], (int)dims[1], heat.GetTensorDataAsSpan<float>().ToArray());
        int explained = (int)outputs[4].GetTensorDataAsSpan<long>()[0];
        return new Explanation(prediction, prediction.Classes[explained], layer, heatmap, activations, gradients);
    }

    /// <summary>Grad-CAM for the class named <paramref name="className"/>.</summary>
    /// <exception cref="ArgumentException">The model has no such class.</exception>
    public Explanation Explain(SKBitmap image, string className) => Explain(image, Info.ClassIndex(className));

    /// <summary>
    /// The activations of <paramref name="layers"/> (default: every layer in <see cref="ActivationLayers"/>) for one
    /// image, in the order asked (listing 5.28). Only layers the graph outputs are available; OnnxTrainer's
    /// ExposeActivations pass makes a model's feature maps outputs.
    /// </summary>
    /// <exception cref="ArgumentException">A layer is not among <see cref="ActivationLayers"/>.</exception>
    public IReadOnlyList<FeatureMap> Activations(SKBitmap image, IReadOnlyList<string>? layers = null)
    {
        var chosen = layers ?? _activationLayers;
        var missing = chosen.Where(l => !_activationLayers.Contains(l)).ToList();
        if (missing.Count > 0 || _activationLayers.Length == 0)
            throw new ArgumentException(_activationLayers.Length == 0
                ? $"Model '{Info.Name}' outputs no layer activations; make them outputs first (onnx-trainer visualize activations does)."
                : $"Model '{Info.Name}' does not output the activations of {string.Join(", ", missing)}. It outputs: {string.Join(", ", _activationLayers)}.", nameof(layers));
        if (chosen.Count == 0) return [];
        using var input = Input([image], 0, 1);
        using var outputs = _session.Run(_run, [Info.InputName], [input], chosen.Select(l => _activationValues[l]).ToArray());
        return chosen.Select((l, i) => Map(l, outputs[i])).ToArray();
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose()
    {
        _session.Dispose();
        _run.Dispose();
    }

    private OrtValue Input(IReadOnlyList<SKBitmap> images, int start, int n)
    {
        int per = Info.Channels * Info.Height * Info.Width;
        var data = new float[(long)n * per];
        for (int i = 0; i < n; i++)
            InputTensor.Fill(images[start + i] ?? throw new ArgumentNullException(nameof(images), $"Image {start + i} is null."), Info, _options.Resize, data.AsSpan(i * per, per));
        return OrtValue.CreateTensorValueFromMemory(data, [n, Info.Channels, Info.Height, Info.Width]);
    }

    private Prediction MakePrediction(float[] y)
    {
        var names = Info.ClassNames;
        ClassScore[] classes = Info.Head switch
        {
            HeadKind.Binary => [new ClassScore(0, names[0], 1f - y[0]), new ClassScore(1, names[1], y[0])],
            HeadKind.Categorical => y.Select((p, i) => new ClassScore(i, i < names.Count ? names[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture), p)).ToArray(),
            _ => [],
        };
        return new Prediction(y, classes);
    }

    private static FeatureMap Map(string layer, OrtValue value)
    {
        var dims = value.GetTensorTypeAndShape().Shape;
        if (dims is not [_, var c, var h, var w])
            throw new InvalidDataException($"Expected the activations of '{layer}' as [N,C,H,W], got [{string.Join(",", dims)}].");
        return new FeatureMap(layer, (int)c, (int)h, (int)w, value.GetTensorDataAsSpan<float>()[..(int)(c * h * w)].ToArray());
    }

    private static SessionOptions SessionOptionsFor(ImageModelOptions options)
    {
        options.Validate();
        return ExecutionDevices.CreateSessionOptions(options.Device, options.IntraOpThreads, options.DeviceId);
    }

    private static InferenceSession Create(Func<InferenceSession> create, string source)
    {
        try
        {
            return create();
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{source} is not a model ONNX Runtime can load: {e.Message}", e);
        }
    }
}
