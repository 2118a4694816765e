namespace OnnxTrainer.Runtime;

/// <summary>A stack of 2-D maps of one image, channel-major (C, H, W): a layer's activations or their gradients.</summary>
public sealed class FeatureMap
{
    private readonly float[] _values;

    /// <summary>Wraps <paramref name="values"/> (C*H*W floats, channel-major; not copied).</summary>
    public FeatureMap(string name, int channels, int height, int width, float[] values)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(values);
        if (channels < 1 || height < 1 || width < 1)
            throw new ArgumentException($"Feature map '{name}' needs positive sizes, got {channels}x{height}x{width}.");
        if (values.Length != (long)channels * height * width)
            throw new ArgumentException($"Feature map '{name}' of {channels}x{height}x{width} needs {(long)channels * height * width} values, got {values.Length}.", nameof(values));
        Name = name;
        Channels = channels;
        Height = height;
        Width = width;
        _values = values;
    }

    /// <summary>The layer the maps come from, such as "conv2d_1".</summary>
    public string Name { get; }

    /// <summary>Number of channels (filters).</summary>
    public int Channels { get; }

    /// <summary>Height of each map.</summary>
    public int Height { get; }

    /// <summary>Width of each map.</summary>
    public int Width { get; }

    /// <summary>All values, channel-major: value (c, y, x) is at (c * Height + y) * Width + x.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The Height x Width values of channel <paramref name="channel"/>, row-major.</summary>
    public ReadOnlySpan<float> Channel(int channel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, Channels);
        return _values.AsSpan(channel * Height * Width, Height * Width);
    }
}
