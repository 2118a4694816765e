namespace OnnxTrainer.Models.Tests;

/// <summary>A zoo model as the CLI would ask for it; <see cref="Key"/> names it in test output and snapshot files.</summary>
public sealed record ZooCase(string Model, string? Head = null, long[]? Input = null, int? Classes = null)
{
    public string Key => Model + (Head is null ? "" : "+" + Head)
        + (Input is null ? "" : "@" + string.Join("x", Input)) + (Classes is null ? "" : $"-{Classes}classes");

    public Model Build() => Zoo.Build(Model, new ZooOptions { Head = Head, InputShape = Input, Classes = Classes });

    public override string ToString() => Key;

    /// <summary>
    /// Every zoo model and head at inputs small enough to serialize and run in a test: the small convnets at their
    /// own sizes, the VGG bases at 32x32 and 48x48, the heads on vgg16-base at 96x96 (the smallest size conv32-dense256
    /// fits). VGG16/VGG19 with their 224x224 top are run separately (<see cref="ZooRunsInOrtTests"/>).
    /// </summary>
    public static readonly ZooCase[] Small =
    [
        new("mnist-convnet"),
        new("mnist-convnet-bn"),
        new("catsdogs-convnet"),
        new("catsdogs-convnet-dropout"),
        new("santa-convnet"),
        new("catsdogs-convnet", Classes: 2),
        new("vgg16-base", Input: [32, 32, 3]),
        new("vgg16-base", Input: [48, 48, 3]),
        new("vgg19-base", Input: [32, 32, 3]),
        new("vgg19-base", Input: [48, 48, 3]),
        new("vgg16-base", "dense256", [96, 96, 3]),
        new("vgg16-base", "dense256-dropout", [96, 96, 3], Classes: 4),
        new("vgg16-base", "conv32-dense256", [96, 96, 3], Classes: 3),
        new("mnist-convnet", "dense256", Classes: 3),
    ];

    /// <summary>Theory data as keys (strings serialize, so each case shows as its own test).</summary>
    public static TheoryData<string> SmallKeys()
    {
        var data = new TheoryData<string>();
        foreach (var c in Small) data.Add(c.Key);
        return data;
    }

    public static ZooCase ByKey(string key) => Small.Single(c => c.Key == key);
}
