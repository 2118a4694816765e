using OnnxTrainer.Models;
using OnnxTrainer.Models.Layers;

namespace OnnxTrainer.Training.Tests.Import;

/// <summary>
/// VGG-shaped models small enough for tests: the VGG16 layer names and block structure (2, 2, 3, 3, 3 convs), 2 to 4
/// filters, a 64x64x3 input (a 2x2 map after the five pools), and a small fc1/fc2/predictions top.
/// </summary>
public static class TinyModels
{
    public static readonly (int Convs, int Filters)[] Blocks = [(2, 2), (2, 3), (3, 4), (3, 4), (3, 4)];

    public static readonly long[] Input = [64, 64, 3];

    public static Model Base() => Vgg.Base("vgg16", Input, Blocks);

    public static Model WithTop(int classes = 5)
    {
        var layers = Base().Layers.ToList();
        int baseLength = layers.Count;
        layers.Add(new Flatten { Name = "flatten" });
        layers.Add(new Dense { Name = "fc1", Units = 6, Activation = Activation.Relu });
        layers.Add(new Dense { Name = "fc2", Units = 6, Activation = Activation.Relu });
        layers.Add(Zoo.Classifier("predictions", classes));
        return new Model("vgg16", Input, layers, null, baseLength, functionalInput: true);
    }

    /// <summary>The base with a zoo head, as Zoo.Build makes vgg16-base --head HEAD.</summary>
    public static Model WithHead(string head = "dense256", int classes = 1)
    {
        var layers = Base().Layers.Concat(Zoo.FindHead(head).Build(classes)).ToList();
        return new Model("vgg16-base+" + head, Input, layers, "vgg16", Base().Layers.Count, functionalInput: true);
    }
}
