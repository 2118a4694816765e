using OnnxTrainer.Models.Networks;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models.Tests.Networks;

/// <summary>The trainable-network contract on zoo models: the parameter table, freezing by name, name resolution.</summary>
public class NetworkTests
{
    private static Network Vgg() => ZooNetwork.Build(Zoo.Build("vgg16-base", new ZooOptions { Head = "dense256", InputShape = [32, 32, 3], Classes = 1 }),
        Zeros(Zoo.Build("vgg16-base", new ZooOptions { Head = "dense256", InputShape = [32, 32, 3], Classes = 1 })), "vgg16-base+dense256");

    private static Weights Zeros(Model model)
    {
        var w = new Weights();
        foreach (var p in model.AllParams) w.Set(Tensor.FromFloats(p.Name, new float[p.Count], p.Dims));
        return w;
    }

    [Fact]
    public void Parameter_table_counts_match_keras_for_every_freezing_option()
    {
        var net = Vgg();
        Assert.Equal(14_714_688 + 131_328 + 257, net.ParamCount); // the base at 32x32 has a 1x1x512 output: Dense 512->256
        Assert.Equal(net.ParamCount, net.TrainableParamCount);
        var frozen = net.FreezeBase();
        Assert.Equal(131_328 + 257, frozen.TrainableParamCount);
        Assert.Equal("freeze-base", frozen.Freezing);
        Assert.Equal(14_714_688, frozen.NonTrainableParamCount);
        // block5's three convs (3 x 2,359,808) and the head train
        long fromBlock5 = 3 * 2_359_808 + 131_328 + 257;
        Assert.Equal(fromBlock5, net.TrainableFrom("block5_conv1").TrainableParamCount);
        Assert.Equal(fromBlock5, net.TrainableFrom("block5_conv1/conv").TrainableParamCount);  // its Conv node's name
        Assert.Equal(fromBlock5, net.TrainableFrom("block4_pool/out").TrainableParamCount);    // the value before it
        Assert.Equal("trainable-from:block5_conv1", net.TrainableFrom("block5_conv1").Freezing);
        Assert.All(net.TrainableFrom("block5_conv1").Parameters, p =>
            Assert.Equal(p.Layer.StartsWith("block5", StringComparison.Ordinal) || p.Layer.StartsWith("dense", StringComparison.Ordinal)
                ? ParameterRole.Trainable : ParameterRole.Frozen, p.Role));
        Assert.Equal(0, net.FreezeAll().TrainableParamCount);
        Assert.Equal(net.ParamCount, net.FreezeBase().Unfrozen().TrainableParamCount);
    }

    [Fact]
    public void Names_resolve_to_layers_nodes_and_values()
    {
        var net = Vgg();
        Assert.Equal("block5_conv1/out", net.ValueOf("block5_conv1"));
        Assert.Equal("block5_conv1/conv", net.ValueOf("block5_conv1/conv"));
        Assert.Equal("Conv2D", net.Layer("block5_conv1").Kind);
        Assert.Equal("block5_conv1", net.Layer("block5_conv1/out").Name);           // a layer's output names the layer
        Assert.Equal("Conv", net.Layer("block5_conv1/conv").Kind);                  // a node of its own
        Assert.Equal("flatten_1", net.HeadStart);
        Assert.Equal("block5_conv3", net.GradCamLayer);
        var e = Assert.Throws<ModelException>(() => net.Layer("block6_conv1"));
        Assert.StartsWith("Network 'vgg16-base+dense256' has no layer, node or value named 'block6_conv1'. Its layers: block1_conv1, block1_conv2, block1_pool,", e.Message);
        Assert.EndsWith("block4_conv1, block4_conv2 and 9 more.", e.Message);
    }

    [Fact]
    public void Feature_maps_are_the_image_layers_in_order()
    {
        var net = ZooNetwork.Initialize(Zoo.Build("mnist-convnet", new ZooOptions()), 1);
        Assert.Equal(["conv2d_1", "maxpooling2d_1", "conv2d_2", "maxpooling2d_2", "conv2d_3"], net.FeatureMaps.Select(l => l.Name));
        Assert.Equal(OutputKind.Softmax, net.OutputKind);
        Assert.Equal("dense_2/gemm", net.Logits);
        Assert.Equal(10, net.Units);
        Assert.Equal(new long[] { 1, 28, 28 }, net.Input.ExampleDims);
        Assert.Equal("rescale", net.Input.Preprocessing);
        Assert.Equal("preprocess/out", net.Preprocessed);
    }

    [Fact]
    public void Weights_replace_all_parameters_or_none()
    {
        var net = ZooNetwork.Initialize(Zoo.Build("mnist-convnet", new ZooOptions()), 1);
        var w = net.CurrentWeights();
        Assert.Equal(10, w.Count);
        var other = ZooNetwork.Initialize(Zoo.Build("mnist-convnet", new ZooOptions()), 2).CurrentWeights();
        var swapped = net.WithWeights(other);
        Assert.Equal(other["conv2d_1/W"].Floats, swapped.CurrentWeights()["conv2d_1/W"].Floats);
        Assert.Equal(w["conv2d_1/W"].Floats, net.CurrentWeights()["conv2d_1/W"].Floats); // the original is unchanged

        var partial = new Weights();
        partial.Set(other["conv2d_1/W"]);
        partial.Set(Tensor.FromFloats("extra", [1f], 1));
        var e = Assert.Throws<ModelException>(() => net.WithWeights(partial, "x.safetensors"));
        Assert.StartsWith("Weights from 'x.safetensors' do not fit network 'mnist-convnet': missing conv2d_1/B [32];", e.Message);
        Assert.EndsWith("; unexpected extra.", e.Message);
    }

    [Fact]
    public void Every_zoo_model_has_the_keras_parameter_counts()
    {
        foreach (var entry in Zoo.Models.Where(m => !m.FixedInput))
        {
            var model = entry.Build(entry.DefaultInput.Length == 3 && entry.DefaultInput[0] > 64 ? [64, 64, entry.DefaultInput[2]] : entry.DefaultInput,
                entry.DefaultClasses == 0 ? 1 : entry.DefaultClasses);
            var net = ZooNetwork.Build(model, Zeros(model));
            Assert.Equal(model.TotalParams, net.ParamCount);
            Assert.Equal(model.TrainableParamCount, net.TrainableParamCount);
            Assert.Equal(model.AllParams.Select(p => p.Name), net.Parameters.Select(p => p.Name));
        }
    }
}
