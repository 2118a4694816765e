using System.Globalization;
using System.Text;

namespace OnnxTrainer.Data.Augmentation;

/// <summary>Keras <c>fill_mode</c>: what a transform reads outside the image (input abcd, cval k).</summary>
public enum FillMode
{
    /// <summary>aaaaaaaa|abcd|dddddddd (the edge pixel repeated; Keras's default).</summary>
    Nearest,

    /// <summary>kkkkkkkk|abcd|kkkkkkkk (the value <see cref="AugmentOptions.Cval"/>).</summary>
    Constant,

    /// <summary>abcddcba|abcd|dcbaabcd (mirrored, the edge pixel repeated once).</summary>
    Reflect,

    /// <summary>abcdabcd|abcd|abcdabcd (tiled).</summary>
    Wrap,
}

/// <summary>
/// <c>ImageDataGenerator</c>'s random transform parameters, with Keras's meanings. Parsed from the command line form
/// <c>rotation_range=40,width_shift_range=0.2,zoom_range=[0.8,1.2],horizontal_flip=true,fill_mode=nearest</c>, or a
/// preset (<see cref="Presets"/>).
/// </summary>
public sealed record AugmentOptions
{
    /// <summary>Degrees: the angle is uniform in [-range, range].</summary>
    public double RotationRange { get; init; }

    /// <summary>Below 1: a fraction of the width, the shift uniform in [-range * W, range * W]; from 1 up: pixels, uniform in [-range, range].</summary>
    public double WidthShiftRange { get; init; }

    /// <summary>As <see cref="WidthShiftRange"/>, for the height.</summary>
    public double HeightShiftRange { get; init; }

    /// <summary>Degrees: the shear angle is uniform in [-range, range] (counter-clockwise, as Keras's <c>shear_range</c>).</summary>
    public double ShearRange { get; init; }

    /// <summary>
    /// Zoom factors along rows and columns, drawn independently and uniformly in [lower, upper] (Keras: a float z means
    /// [1 - z, 1 + z]). As in Keras the factor scales the sampling grid: above 1 shows more of the image (smaller content).
    /// </summary>
    public (double Lower, double Upper) ZoomRange { get; init; } = (1, 1);

    /// <summary>Keras <c>horizontal_flip</c>: mirror left-right with probability 1/2.</summary>
    public bool HorizontalFlip { get; init; }
    /// <summary>Keras <c>vertical_flip</c>: mirror top-bottom with probability 1/2.</summary>
    public bool VerticalFlip { get; init; }
    /// <summary>Keras <c>fill_mode</c>: how points outside the image are filled (default nearest).</summary>
    public FillMode FillMode { get; init; } = FillMode.Nearest;

    /// <summary>The value read outside the image with <see cref="FillMode.Constant"/> (raw pixel scale, 0..255).</summary>
    public double Cval { get; init; }

    /// <summary>Listing 5.11 / 5.14's generator: rotation 40, shifts 0.2, shear 0.2, zoom 0.2, horizontal flips, fill nearest.</summary>
    public static AugmentOptions Listing514 { get; } = new()
    {
        RotationRange = 40, WidthShiftRange = 0.2, HeightShiftRange = 0.2, ShearRange = 0.2, ZoomRange = (0.8, 1.2), HorizontalFlip = true,
    };

    /// <summary>Named parameter sets accepted by <see cref="Parse"/>.</summary>
    public static IReadOnlyDictionary<string, AugmentOptions> Presets { get; } = new Dictionary<string, AugmentOptions>(StringComparer.OrdinalIgnoreCase)
    {
        ["listing-5.14"] = Listing514,
        ["listing-5.11"] = Listing514,
    };

    /// <summary>The parameter names <see cref="Parse"/> accepts, for messages.</summary>
    public const string Keys =
        "rotation_range, width_shift_range, height_shift_range, shear_range, zoom_range (float or [lower,upper]), horizontal_flip, vertical_flip, fill_mode (nearest, constant, reflect, wrap), cval";

    /// <summary>Whether any parameter changes an image.</summary>
    public bool IsIdentity =>
        RotationRange == 0 && WidthShiftRange == 0 && HeightShiftRange == 0 && ShearRange == 0 && ZoomRange == (1, 1) && !HorizontalFlip && !VerticalFlip;

    /// <summary>
    /// Parses <c>key=value</c> pairs separated by commas (a zoom range may be written <c>[0.8,1.2]</c> or <c>0.8:1.2</c>),
    /// or a preset name, optionally followed by pairs that override it (<c>listing-5.14,vertical_flip=true</c>).
    /// </summary>
    /// <exception cref="FormatException">An unknown key or preset, a malformed or out-of-range value.</exception>
    public static AugmentOptions Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var options = new AugmentOptions();
        var parts = SplitTopLevel(text.Trim());
        if (parts.Count == 0 || parts.All(p => p.Length == 0))
            throw new FormatException($"--augment is empty; expected key=value pairs ({Keys}) or a preset ({string.Join(", ", Presets.Keys)}).");
        foreach (var raw in parts)
        {
            string part = raw.Trim();
            int eq = part.IndexOf('=');
            if (eq < 0)
            {
                if (Presets.TryGetValue(part, out var preset) && ReferenceEquals(raw, parts[0]))
                {
                    options = preset;
                    continue;
                }
                throw new FormatException($"--augment: '{part}' is not key=value or a preset ({string.Join(", ", Presets.Keys)}; a preset must come first). Keys: {Keys}.");
            }
            string key = part[..eq].Trim().ToLowerInvariant(), value = part[(eq + 1)..].Trim();
            options = key switch
            {
                "rotation_range" => options with { RotationRange = Number(key, value, 0, 360) },
                "width_shift_range" => options with { WidthShiftRange = Number(key, value, 0, double.MaxValue) },
                "height_shift_range" => options with { HeightShiftRange = Number(key, value, 0, double.MaxValue) },
                "shear_range" => options with { ShearRange = Number(key, value, 0, 89) },
                "zoom_range" => options with { ZoomRange = Zoom(value) },
                "horizontal_flip" => options with { HorizontalFlip = Bool(key, value) },
                "vertical_flip" => options with { VerticalFlip = Bool(key, value) },
                "fill_mode" => options with { FillMode = Fill(value) },
                "cval" => options with { Cval = Number(key, value, double.MinValue, double.MaxValue) },
                _ => throw new FormatException($"--augment: unknown parameter '{key}'. Expected one of: {Keys}."),
            };
        }
        return options;
    }

    /// <summary>The form <see cref="Parse"/> accepts, every parameter spelled out.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"rotation_range={RotationRange},width_shift_range={WidthShiftRange},height_shift_range={HeightShiftRange},");
        sb.Append(CultureInfo.InvariantCulture, $"shear_range={ShearRange},zoom_range=[{ZoomRange.Lower},{ZoomRange.Upper}],");
        sb.Append(CultureInfo.InvariantCulture, $"horizontal_flip={(HorizontalFlip ? "true" : "false")},vertical_flip={(VerticalFlip ? "true" : "false")},");
        sb.Append(CultureInfo.InvariantCulture, $"fill_mode={FillMode.ToString().ToLowerInvariant()},cval={Cval}");
        return sb.ToString();
    }

    private static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '[') depth++;
            else if (text[i] == ']') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }
        parts.Add(text[start..]);
        return parts;
    }

    private static double Number(string key, string value, double min, double max)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new FormatException($"--augment: {key} expects a number, got '{value}'.");
        if (v < min || v > max)
            throw new FormatException($"--augment: {key} must be in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}], got {value}.");
        return v;
    }

    private static bool Bool(string key, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new FormatException($"--augment: {key} expects true or false, got '{value}'."),
    };

    private static FillMode Fill(string value) => value.ToLowerInvariant() switch
    {
        "nearest" => FillMode.Nearest,
        "constant" => FillMode.Constant,
        "reflect" => FillMode.Reflect,
        "wrap" => FillMode.Wrap,
        _ => throw new FormatException($"--augment: fill_mode expects nearest, constant, reflect or wrap, got '{value}'."),
    };

    private static (double, double) Zoom(string value)
    {
        string v = value.Trim();
        if (v.StartsWith('[') && v.EndsWith(']')) v = v[1..^1];
        var bounds = v.Split([',', ':']);
        if (bounds.Length == 1)
        {
            double z = Number("zoom_range", bounds[0].Trim(), 0, 0.999);
            return (1 - z, 1 + z);
        }
        if (bounds.Length != 2) throw new FormatException($"--augment: zoom_range expects a float or [lower,upper], got '{value}'.");
        double lo = Number("zoom_range", bounds[0].Trim(), 1e-3, 100), hi = Number("zoom_range", bounds[1].Trim(), 1e-3, 100);
        if (lo > hi) throw new FormatException($"--augment: zoom_range's lower bound {lo} is above its upper bound {hi}.");
        return (lo, hi);
    }
}
