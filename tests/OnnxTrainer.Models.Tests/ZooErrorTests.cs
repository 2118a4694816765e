namespace OnnxTrainer.Models.Tests;

/// <summary>Models that cannot be built fail with a ModelException naming what was expected and what was given.</summary>
public class ZooErrorTests
{
    private static string Fails(Func<object> build) => Assert.Throws<ModelException>(build).Message;

    private static void AssertMentions(string message, params string[] parts)
    {
        foreach (var p in parts) Assert.Contains(p, message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Unknown_model_lists_the_known_ones()
    {
        var m = Fails(() => Zoo.Build("vgg17", new()));
        AssertMentions(m, "'vgg17'", "mnist-convnet", "vgg16-base", "vgg19");
    }

    [Fact]
    public void Unknown_head_lists_the_known_ones()
    {
        var m = Fails(() => Zoo.Build("vgg16-base", new() { Head = "dense512" }));
        AssertMentions(m, "'dense512'", "dense256", "dense256-dropout", "conv32-dense256");
    }

    [Fact]
    public void Unknown_layer_lists_the_model_layers()
    {
        var model = Zoo.Build("vgg16-base", new() { Head = "dense256" });
        AssertMentions(Fails(() => model.TrainableFrom("block6_conv1")), "'block6_conv1'", "block5_conv1", "dense_2");
        AssertMentions(Fails(() => model.Layer("conv9")), "'conv9'", "block1_conv1");
    }

    [Fact]
    public void Mnist_convnet_at_8x8_is_too_small_for_its_pooling_stack()
    {
        var m = Fails(() => Zoo.Build("mnist-convnet", new() { InputShape = [8, 8, 1] }));
        // 8 -> conv 6 -> pool 3 -> conv 1: the second 2x2 pool gets 1x1.
        AssertMentions(m, "mnist-convnet", "(8, 8, 1)", "maxpooling2d_2", "at least 2x2", "got 1x1");
    }

    [Fact]
    public void The_smallest_mnist_input_builds()
    {
        // 18 -> conv 16 -> pool 8 -> conv 6 -> pool 3 -> conv 1 is the smallest; 17 -> 15 -> 7 -> 5 -> 2 leaves conv2d_3 a 2x2 input.
        Assert.Equal(new long[] { 10 }, Zoo.Build("mnist-convnet", new() { InputShape = [18, 18, 1] }).OutputShape);
        var m = Fails(() => Zoo.Build("mnist-convnet", new() { InputShape = [17, 17, 1] }));
        AssertMentions(m, "(17, 17, 1)", "conv2d_3", "at least 3x3", "got 2x2");
    }

    [Fact]
    public void Vgg16_base_at_31x31_is_too_small_for_five_pools()
    {
        var m = Fails(() => Zoo.Build("vgg16-base", new() { InputShape = [31, 31, 3] }));
        AssertMentions(m, "at least 32x32", "31x31");
        AssertMentions(Fails(() => Zoo.Build("vgg19-base", new() { InputShape = [64, 20, 3] })), "at least 32x32", "64x20");
    }

    [Fact]
    public void Conv32_head_needs_a_base_output_of_at_least_3x3()
    {
        // vgg16-base at 64x64 gives 2x2x512; the head's valid 3x3 conv needs 3x3.
        var m = Fails(() => Zoo.Build("vgg16-base", new() { Head = "conv32-dense256", InputShape = [64, 64, 3] }));
        AssertMentions(m, "conv2d_1", "at least 3x3", "got 2x2");
        Assert.Equal(new long[] { 1, 1, 32 }, Zoo.Build("vgg16-base", new() { Head = "conv32-dense256", InputShape = [96, 96, 3] }).Placed[^4].Output);
    }

    [Theory]
    [InlineData("mnist-convnet", new long[] { 28, 28 }, "(28, 28)")]
    [InlineData("mnist-convnet", new long[] { 28, 28, 1, 1 }, "(28, 28, 1, 1)")]
    [InlineData("catsdogs-convnet", new long[] { 150, 0, 3 }, "(150, 0, 3)")]
    [InlineData("catsdogs-convnet", new long[] { 150, 150, -3 }, "(150, 150, -3)")]
    [InlineData("vgg16-base", new long[] { 150 }, "(150)")]
    [InlineData("vgg19-base", new long[] { }, "()")]
    [InlineData("vgg16-base", new long[] { 150, 150, 0 }, "(150, 150, 0)")]
    public void Malformed_input_shapes_are_rejected(string name, long[] shape, string given)
    {
        var m = Fails(() => Zoo.Build(name, new() { InputShape = shape }));
        AssertMentions(m, "(H, W, C)", given);
    }

    [Fact]
    public void Vgg_with_top_takes_only_224x224x3()
    {
        var m = Fails(() => Zoo.Build("vgg16", new() { InputShape = [150, 150, 3] }));
        AssertMentions(m, "(224, 224, 3)", "(150, 150, 3)", "vgg16-base");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void Classes_must_be_positive(int classes)
    {
        AssertMentions(Fails(() => Zoo.Build("mnist-convnet", new() { Classes = classes })), "--classes", $"got {classes}");
    }

    [Fact]
    public void Classes_on_a_base_without_head_asks_for_a_head()
    {
        AssertMentions(Fails(() => Zoo.Build("vgg16-base", new() { Classes = 3 })), "vgg16-base", "--head");
    }

    [Fact]
    public void Freezing_a_model_without_a_base_explains_what_is_needed()
    {
        AssertMentions(Fails(() => Zoo.Build("mnist-convnet", new()).FreezeBase()), "mnist-convnet", "--head");
    }
}
