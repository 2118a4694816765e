using OnnxTrainer.Models.Layers;

namespace OnnxTrainer.Models;

/// <summary>Options of <see cref="Zoo.Build"/>: the CLI's --head, --input-shape and --classes.</summary>
public sealed record ZooOptions
{
    public string? Head { get; init; }

    /// <summary>Keras input shape (H, W, C); null for the model's default.</summary>
    public long[]? InputShape { get; init; }

    /// <summary>Classes of the classifier: 1 (the default of binary models) is a sigmoid unit, N >= 2 an N-way softmax.</summary>
    public int? Classes { get; init; }
}

/// <summary>A model of the zoo: its name, what it is, its default input, and how to build it.</summary>
public sealed record ZooModel(string Name, string Description, long[] DefaultInput, bool FixedInput, int DefaultClasses,
    Func<long[], int, Model> Build);

/// <summary>A classifier head that goes on any base.</summary>
public sealed record ZooHead(string Name, string Description, Func<int, IReadOnlyList<Layer>> Build);

/// <summary>The chapter's models (seeds/003 listings 5.1-5.22, seeds/000, seeds/001) and heads.</summary>
public static class Zoo
{
    public static IReadOnlyList<ZooModel> Models { get; } =
    [
        new("mnist-convnet", "listings 5.1-5.2: small convnet, 28x28x1, 10-way softmax", [28, 28, 1], false, 10,
            (input, classes) => Sequential("mnist-convnet", input, SmallConvnet.Mnist(classes), SmallConvnet.MnistBaseLength)),
        new("mnist-convnet-bn", "seeds/002: the same with Conv-BatchNormalization-ReLU blocks (convs without bias)", [28, 28, 1], false, 10,
            (input, classes) => Sequential("mnist-convnet-bn", input, SmallConvnet.MnistBn(classes), SmallConvnet.MnistBnBaseLength)),
        new("catsdogs-convnet", "listing 5.5: convnet for dogs vs. cats, 150x150x3, sigmoid", [150, 150, 3], false, 1,
            (input, classes) => Sequential("catsdogs-convnet", input, SmallConvnet.CatsDogs(classes, dropout: false), SmallConvnet.CatsDogsBaseLength)),
        new("catsdogs-convnet-dropout", "listing 5.13: the same with Dropout(0.5) after Flatten", [150, 150, 3], false, 1,
            (input, classes) => Sequential("catsdogs-convnet-dropout", input, SmallConvnet.CatsDogs(classes, dropout: true), SmallConvnet.CatsDogsBaseLength)),
        new("santa-convnet", "seeds/000: convnet for 64x64x3 images, sigmoid", [64, 64, 3], false, 1,
            (input, classes) => Sequential("santa-convnet", input, SmallConvnet.Santa(classes), SmallConvnet.SantaBaseLength)),
        new("vgg16-base", "VGG16 convolutional base (include_top=False), any input of at least 32x32", [150, 150, 3], false, 0,
            (input, _) => Vgg.Base("vgg16", input, Vgg.Vgg16Blocks)),
        new("vgg19-base", "VGG19 convolutional base (include_top=False), any input of at least 32x32", [150, 150, 3], false, 0,
            (input, _) => Vgg.Base("vgg19", input, Vgg.Vgg19Blocks)),
        new("vgg16", "VGG16 with the ImageNet top (fc1, fc2, predictions), 224x224x3, 1000-way softmax", [224, 224, 3], true, 1000,
            (input, classes) => Vgg.WithTop("vgg16", input, Vgg.Vgg16Blocks, classes)),
        new("vgg19", "VGG19 with the ImageNet top (fc1, fc2, predictions), 224x224x3, 1000-way softmax", [224, 224, 3], true, 1000,
            (input, classes) => Vgg.WithTop("vgg19", input, Vgg.Vgg19Blocks, classes)),
    ];

    public static IReadOnlyList<ZooHead> Heads { get; } =
    [
        new("dense256", "listing 5.20: Flatten, Dense 256 relu, Dense 1 sigmoid (or N-way softmax)",
            classes => [new Flatten { Name = "flatten_1" }, new Dense { Name = "dense_1", Units = 256, Activation = Activation.Relu }, Classifier("dense_2", classes)]),
        new("dense256-dropout", "listing 5.18: Flatten, Dense 256 relu, Dropout 0.5, Dense 1 sigmoid (or N-way softmax)",
            classes => [new Flatten { Name = "flatten_1" }, new Dense { Name = "dense_1", Units = 256, Activation = Activation.Relu },
                new Dropout { Name = "dropout_1", Rate = 0.5f }, Classifier("dense_2", classes)]),
        new("gap-dense", "Keras' transfer-learning guide: GlobalAveragePooling2D, Dropout 0.2, Dense 1 sigmoid (or N-way softmax)",
            classes => [new GlobalAveragePooling2D { Name = "global_average_pooling2d_1" }, new Dropout { Name = "dropout_1", Rate = 0.2f },
                Classifier("dense_1", classes)]),
        new("conv32-dense256", "seeds/001 model2: Conv2D 32 3x3 relu, Flatten, Dense 256 relu, Dense 1 sigmoid (or N-way softmax)",
            classes => [new Conv2D { Name = "conv2d_1", Filters = 32, Activation = Activation.Relu }, new Flatten { Name = "flatten_1" },
                new Dense { Name = "dense_1", Units = 256, Activation = Activation.Relu }, Classifier("dense_2", classes)]),
    ];

    public static ZooModel Find(string name) =>
        Models.FirstOrDefault(m => m.Name == name)
        ?? throw new ModelException($"Unknown model '{name}'. Expected one of: {string.Join(", ", Models.Select(m => m.Name))}.");

    public static ZooHead FindHead(string name) =>
        Heads.FirstOrDefault(h => h.Name == name)
        ?? throw new ModelException($"Unknown head '{name}'. Expected one of: {string.Join(", ", Heads.Select(h => h.Name))}.");

    /// <summary>
    /// Builds a zoo model. With a head, a model that has its own classifier is cut to its convolutional stack
    /// (as include_top=False) and the head goes on top; the stack is the summary's "(Model)" row.
    /// </summary>
    public static Model Build(string name, ZooOptions options)
    {
        var entry = Find(name);
        var head = options.Head is null ? null : FindHead(options.Head);
        var input = options.InputShape ?? entry.DefaultInput;
        if (input.Length != 3 || input.Any(d => d <= 0))
            throw new ModelException($"Model '{name}': input shape must be (H, W, C) with three positive sizes, got ({string.Join(", ", input)}).");
        if (entry.FixedInput && options.InputShape is not null && !options.InputShape.SequenceEqual(entry.DefaultInput))
            throw new ModelException($"Model '{name}' includes its ImageNet top and takes only ({string.Join(", ", entry.DefaultInput)}) inputs, got ({string.Join(", ", input)}); use {name}-base for other sizes.");
        if (options.Classes is < 1)
            throw new ModelException($"--classes must be 1 (sigmoid) or at least 2 (softmax), got {options.Classes}.");
        if (head is null)
        {
            if (entry.DefaultClasses == 0 && options.Classes is not null)
                throw new ModelException($"Model '{name}' is a base without a classifier; --classes needs a head (--head {Heads[0].Name}).");
            return entry.Build(input, options.Classes ?? entry.DefaultClasses);
        }
        var full = entry.Build(input, entry.DefaultClasses == 0 ? 1 : entry.DefaultClasses);
        var baseLayers = full.Layers.Take(full.BaseLayerCount).ToList();
        string baseName = entry.DefaultClasses == 0 ? full.Name : name;
        var layers = baseLayers.Concat(head.Build(options.Classes ?? 1)).ToList();
        return new Model($"{name}+{head.Name}", input, layers, baseName, baseLayers.Count, full.FunctionalInput);
    }

    /// <summary>The last layer of a classifier: Dense 1 sigmoid, or Dense N softmax.</summary>
    public static Dense Classifier(string name, int classes) =>
        new() { Name = name, Units = classes, Activation = classes == 1 ? Activation.Sigmoid : Activation.Softmax };

    private static Model Sequential(string name, long[] input, IReadOnlyList<Layer> layers, int baseLength) =>
        new(name, input, layers, null, baseLength);
}
