using OnnxTrainer.Runtime;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using OnnxTrainer.Data;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;
using OnnxTrainer.Onnx.Formats;

namespace OnnxTrainer.Training.Transfer;

/// <summary>
/// A frozen base's output for every example of a data set (listing 5.17's <c>conv_base.predict</c>), held in
/// memory as NCHW floats: training data for a head, never augmented.
/// </summary>
public sealed class FeatureSet(float[] features, int[] labels, long[] shape, IReadOnlyList<string> classNames) : IExampleSource
{
    private readonly int _size = (int)Shapes.Product(shape);

    public int Count => labels.Length;

    /// <summary>(C, H, W) of one example's features.</summary>
    public long[] ExampleShape => shape;

    public IReadOnlyList<string> ClassNames => classNames;

    public float[] Features => features;

    public int Label(int index) => labels[index];

    public void FillImages(ReadOnlySpan<int> indices, Span<float> destination, long? augmentSeed)
    {
        for (int i = 0; i < indices.Length; i++)
            features.AsSpan(indices[i] * _size, _size).CopyTo(destination.Slice(i * _size, _size));
    }

    internal int[] Labels => labels;
}

/// <summary>
/// Runs a frozen base once over a data set in batches and keeps the result on disk (<c>--features-cache DIR</c>), so
/// training a head again (other epochs, learning rate, head seed) skips the expensive part. A cache file is named by
/// a hash of what determines its contents: the base (layers, input, preprocessing), its weights' values, and the
/// data's description, count, labels and class names. A file whose key does not match is never used.
/// </summary>
public static class FeatureCache
{
    public const string Format = "onnx-trainer-features/1";

    /// <summary>
    /// The features of <paramref name="data"/> under the base network <paramref name="baseModel"/> (its output);
    /// read from <paramref name="cacheDir"/> when it holds them, else computed (and written there when a folder is given).
    /// </summary>
    /// <param name="dataKey">What the data is (spec, split, classes), part of the cache key; the labels are hashed too.</param>
    public static FeatureSet Extract(Network baseModel, IExampleSource data, string dataKey, int batchSize,
        string? cacheDir, TextWriter log, ExecutionDevice device = ExecutionDevice.Cpu, int threads = 0)
    {
        var weights = baseModel.CurrentWeights();
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var labels = new int[data.Count];
        for (int i = 0; i < labels.Length; i++) labels[i] = data.Label(i);
        string key = Key(baseModel, weights, dataKey, labels, data.ClassNames);
        string? path = cacheDir is null ? null : System.IO.Path.Combine(cacheDir, $"features-{key[..16]}.safetensors");
        if (path is not null && TryRead(path, key, labels, data.ClassNames) is { } cached)
        {
            log.WriteLine($"Features: {cached.Count} examples of ({string.Join(", ", cached.ExampleShape)}) read from {path}.");
            return cached;
        }

        long[] shape = baseModel.Graph.TypeOf(baseModel.Output).Dims[1..]; // (C, H, W) of a feature map
        int size = (int)Shapes.Product(shape);
        var features = new float[(long)data.Count * size];
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        Run(baseModel, data, batchSize, features, size, device, threads);
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        log.WriteLine(FormattableString.Invariant(
            $"Features: ran {baseModel.Name} over {data.Count} examples in {seconds:0.0} s ({data.Count / seconds:0.0} images/s), output ({string.Join(", ", shape)})."));
        var set = new FeatureSet(features, labels, shape, data.ClassNames);
        if (path is not null)
        {
            Directory.CreateDirectory(cacheDir!);
            var metadata = new Dictionary<string, string>
            {
                ["format"] = Format,
                ["key"] = key,
                ["data"] = dataKey,
                ["base"] = baseModel.Name,
                ["class_names"] = JsonSerializer.Serialize(data.ClassNames),
            };
            Safetensors.Write(path, [Tensor.FromFloats("features", features, [data.Count, .. shape]),
                Tensor.FromInt64s("labels", labels.Select(l => (long)l).ToArray(), data.Count)], metadata);
            log.WriteLine($"Features: cached in {path}.");
        }
        return set;
    }

    private static void Run(Network baseModel, IExampleSource data, int batchSize, float[] features, int size,
        ExecutionDevice device, int threads)
    {
        var graph = baseModel.Graph.Clone();
        Autodiff.Passes.StripForInference.Apply(graph, baseModel.Masks.Select(m => m.Input));
        using var options = ExecutionDevices.CreateSessionOptions(device, threads);
        using var session = new InferenceSession(OnnxModel.ToBytes(graph), options);
        long per = Shapes.Product(data.ExampleShape);
        var input = new float[batchSize * per];
        var indices = new int[batchSize];
        using var run = new RunOptions();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, data.Count - start);
            for (int i = 0; i < n; i++) indices[i] = start + i;
            data.FillImages(indices.AsSpan(0, n), input.AsSpan(0, (int)(n * per)), augmentSeed: null);
            using var x = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, (int)(n * per)),
                [n, .. data.ExampleShape]);
            using var y = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, features.AsMemory(start * size, n * size),
                [n, .. graph.TypeOf(baseModel.Output).Dims[1..]]);
            session.Run(run, [baseModel.Input.Name], [x], [baseModel.Output], [y]);
        }
    }

    private static FeatureSet? TryRead(string path, string key, int[] labels, IReadOnlyList<string> classNames)
    {
        if (!File.Exists(path)) return null;
        var file = Safetensors.Read(path);
        if (file.Metadata.GetValueOrDefault("format") != Format || file.Metadata.GetValueOrDefault("key") != key) return null;
        var features = file["features"];
        if (features.Dims[0] != labels.Length) return null;
        return new FeatureSet(features.Floats, labels, features.Dims[1..], classNames);
    }

    /// <summary>SHA-256 over the base's structure and preprocessing, every weight's name, shape and bytes, and the data's identity and labels.</summary>
    private static string Key(Network baseModel, Weights weights, string dataKey, int[] labels, IReadOnlyList<string> classNames)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Text(string s) => hash.AppendData(Encoding.UTF8.GetBytes(s + "\n"));
        Text(Format);
        Text(string.Join(",", baseModel.Input.ExampleDims));
        Text(baseModel.Input.Preprocessing);
        Text(GraphText.Render(baseModel.Graph));
        foreach (var p in baseModel.Parameters)
        {
            Text(p.Name + ":" + string.Join(",", p.Dims));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights[p.Name].Floats.AsSpan()));
        }
        Text(dataKey);
        Text(string.Join("\u001f", classNames));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(labels.AsSpan()));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
