using OnnxTrainer.Models.Layers;

namespace OnnxTrainer.Models;

/// <summary>VGG16 and VGG19 as keras.applications builds them: 3x3 same-padded relu convs, 2x2 max pools.</summary>
public static class Vgg
{
    /// <summary>Conv layers per block and their filters.</summary>
    public static readonly (int Convs, int Filters)[] Vgg16Blocks = [(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)];

    public static readonly (int Convs, int Filters)[] Vgg19Blocks = [(2, 64), (2, 128), (4, 256), (4, 512), (4, 512)];

    public static Model Base(string name, long[] input, (int Convs, int Filters)[] blocks)
    {
        if (input[0] < 32 || input[1] < 32)
            throw new ModelException($"{name} needs an input of at least 32x32 (five 2x2 pools), got {input[0]}x{input[1]}.");
        var layers = BaseLayers(blocks);
        return new Model(name, input, layers, null, layers.Count, functionalInput: true);
    }

    public static Model WithTop(string name, long[] input, (int Convs, int Filters)[] blocks, int classes)
    {
        var layers = BaseLayers(blocks);
        int baseLength = layers.Count;
        layers.Add(new Flatten { Name = "flatten" });
        layers.Add(new Dense { Name = "fc1", Units = 4096, Activation = Activation.Relu });
        layers.Add(new Dense { Name = "fc2", Units = 4096, Activation = Activation.Relu });
        layers.Add(Zoo.Classifier("predictions", classes) with { Name = "predictions" });
        return new Model(name, input, layers, null, baseLength, functionalInput: true);
    }

    private static List<Layer> BaseLayers((int Convs, int Filters)[] blocks)
    {
        var layers = new List<Layer>();
        for (int b = 0; b < blocks.Length; b++)
        {
            for (int c = 0; c < blocks[b].Convs; c++)
                layers.Add(new Conv2D
                {
                    Name = $"block{b + 1}_conv{c + 1}", Filters = blocks[b].Filters, Padding = Padding.Same, Activation = Activation.Relu,
                });
            layers.Add(new Pooling2D { Name = $"block{b + 1}_pool" });
        }
        return layers;
    }
}
