using OnnxTrainer.Models.Layers;

namespace OnnxTrainer.Models;

/// <summary>The chapter's small convnets, layer names as Keras numbers them in a fresh session.</summary>
public static class SmallConvnet
{
    public const int MnistBaseLength = 5;
    public const int MnistBnBaseLength = 11;
    public const int CatsDogsBaseLength = 8;
    public const int SantaBaseLength = 6;

    /// <summary>Listings 5.1 + 5.2.</summary>
    public static IReadOnlyList<Layer> Mnist(int classes) =>
    [
        Conv("conv2d_1", 32), Pool("maxpooling2d_1"),
        Conv("conv2d_2", 64), Pool("maxpooling2d_2"),
        Conv("conv2d_3", 64),
        new Flatten { Name = "flatten_1" },
        new Dense { Name = "dense_1", Units = 64, Activation = Activation.Relu },
        Zoo.Classifier("dense_2", classes),
    ];

    /// <summary>
    /// seeds/002's batch normalization on listing 5.2's convnet: each Conv2D without bias, then BatchNormalization, then
    /// the ReLU as its own Activation layer (the order the seed recommends).
    /// </summary>
    public static IReadOnlyList<Layer> MnistBn(int classes) =>
    [
        .. ConvBnRelu(1, 32), Pool("maxpooling2d_1"),
        .. ConvBnRelu(2, 64), Pool("maxpooling2d_2"),
        .. ConvBnRelu(3, 64),
        new Flatten { Name = "flatten_1" },
        new Dense { Name = "dense_1", Units = 64, Activation = Activation.Relu },
        Zoo.Classifier("dense_2", classes),
    ];

    private static Layer[] ConvBnRelu(int k, int filters) =>
    [
        new Conv2D { Name = $"conv2d_{k}", Filters = filters, Kernel = (3, 3), UseBias = false },
        new BatchNormalization { Name = $"batch_normalization_{k}" },
        new ActivationLayer { Name = $"activation_{k}", Activation = Activation.Relu },
    ];

    /// <summary>Listing 5.5, and with <paramref name="dropout"/> listing 5.13.</summary>
    public static IReadOnlyList<Layer> CatsDogs(int classes, bool dropout)
    {
        var layers = new List<Layer>
        {
            Conv("conv2d_1", 32), Pool("maxpooling2d_1"),
            Conv("conv2d_2", 64), Pool("maxpooling2d_2"),
            Conv("conv2d_3", 128), Pool("maxpooling2d_3"),
            Conv("conv2d_4", 128), Pool("maxpooling2d_4"),
            new Flatten { Name = "flatten_1" },
        };
        if (dropout) layers.Add(new Dropout { Name = "dropout_1", Rate = 0.5f });
        layers.Add(new Dense { Name = "dense_1", Units = 512, Activation = Activation.Relu });
        layers.Add(Zoo.Classifier("dense_2", classes));
        return layers;
    }

    /// <summary>seeds/000: the 64x64 convnet.</summary>
    public static IReadOnlyList<Layer> Santa(int classes) =>
    [
        Conv("conv2d_1", 32), Pool("maxpooling2d_1"),
        Conv("conv2d_2", 32, 4), Pool("maxpooling2d_2"),
        Conv("conv2d_3", 64), Pool("maxpooling2d_3"),
        new Flatten { Name = "flatten_1" },
        new Dense { Name = "dense_1", Units = 64, Activation = Activation.Relu },
        Zoo.Classifier("dense_2", classes),
    ];

    private static Conv2D Conv(string name, int filters, int kernel = 3) =>
        new() { Name = name, Filters = filters, Kernel = (kernel, kernel), Activation = Activation.Relu };

    private static Pooling2D Pool(string name) => new() { Name = name };
}
