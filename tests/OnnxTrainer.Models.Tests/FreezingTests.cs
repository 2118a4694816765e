using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Models.Tests;

/// <summary>Freezing as the seeds do it: conv_base.trainable = False (listing 5.20) and set_trainable from block5_conv1 (listing 5.22).</summary>
public class FreezingTests
{
    private static Model Vgg16Dense256() => Zoo.Build("vgg16-base", new() { Head = "dense256", InputShape = [150, 150, 3] });

    [Fact]
    public void Freezing_the_vgg16_base_under_dense256_leaves_the_head_trainable()
    {
        var open = Vgg16Dense256();
        var frozen = open.FreezeBase();
        // seeds/003: "number of trainable weights before freezing the conv base: 30", after: 4.
        Assert.Equal(30, open.TrainableWeightCount);
        Assert.Equal(30, frozen.WeightCount);
        Assert.Equal(4, frozen.TrainableWeightCount);
        Assert.Equal(2_097_665, frozen.TrainableParamCount);
        Assert.Equal(14_714_688, frozen.NonTrainableParamCount);
        Assert.Equal(16_812_353, frozen.TotalParams);
        Assert.Equal(["dense_1/W", "dense_1/B", "dense_2/W", "dense_2/B"], frozen.TrainableParams.Select(p => p.Name));
        var t = SummaryTable.Parse(KerasSummary.Render(frozen));
        Assert.Equal((16_812_353L, 2_097_665L, 14_714_688L), (t.Total, t.Trainable, t.NonTrainable));
        // Freezing returns a new model; the one it came from is unchanged.
        Assert.Equal(16_812_353, open.TrainableParamCount);
    }

    [Fact]
    public void Freezing_the_base_under_conv32_dense256_matches_seeds_001_model2()
    {
        var frozen = Zoo.Build("vgg16-base", new() { Head = "conv32-dense256" }).FreezeBase();
        Assert.Equal(180_769, frozen.TrainableParamCount);
        Assert.Equal(14_714_688, frozen.NonTrainableParamCount);
        Assert.Equal(6, frozen.TrainableWeightCount);
    }

    [Fact]
    public void Trainable_from_block5_conv1_freezes_every_layer_before_it()
    {
        var model = Vgg16Dense256().TrainableFrom("block5_conv1");
        var expectedFrozen = model.Layers.TakeWhile(l => l.Name != "block5_conv1").Select(l => l.Name).ToHashSet();
        Assert.Equal(14, expectedFrozen.Count);
        Assert.Equal(expectedFrozen.Order(), model.Frozen.Order());
        Assert.All(model.Placed, p => Assert.Equal(!expectedFrozen.Contains(p.Layer.Name), p.Trainable));
        long block5 = 3 * 2_359_808L;
        Assert.Equal(block5 + 2_097_665, model.TrainableParamCount);
        Assert.Equal(16_812_353 - block5 - 2_097_665, model.NonTrainableParamCount);
        Assert.Equal(10, model.TrainableWeightCount);
    }

    [Fact]
    public void Trainable_from_block5_conv1_on_vgg19_fine_tunes_its_four_block5_convs()
    {
        // seeds/000 fine-tunes VGG19 from block5_conv1.
        var model = Zoo.Build("vgg19-base", new() { Head = "dense256" }).TrainableFrom("block5_conv1");
        Assert.Equal(4 * 2_359_808L + 2_097_665, model.TrainableParamCount);
        Assert.Equal(SeedTables.Vgg19BaseTotal - 4 * 2_359_808L, model.NonTrainableParamCount);
    }

    [Fact]
    public void Trainable_from_the_first_layer_freezes_nothing()
    {
        var model = Zoo.Build("mnist-convnet", new()).TrainableFrom("conv2d_1");
        Assert.Empty(model.Frozen);
        Assert.Equal(93_322, model.TrainableParamCount);
    }

    [Fact]
    public void Trainable_from_a_dense_layer_of_a_plain_convnet_freezes_its_conv_stack()
    {
        var model = Zoo.Build("mnist-convnet", new()).TrainableFrom("dense_1");
        Assert.Equal(36_928 + 650, model.TrainableParamCount);
        Assert.Equal(55_744, model.NonTrainableParamCount);
    }

    [Fact]
    public void Mnist_convnet_summary_is_approved()
    {
        // Checked by eye against seeds/003 listing 5.2 in the Keras 2 layout.
        Approval.Verify("tests/OnnxTrainer.Models.Tests/Approved/mnist-convnet.summary.txt", KerasSummary.Render(Zoo.Build("mnist-convnet", new())));
    }

    [Fact]
    public void Frozen_vgg16_dense256_summary_is_approved()
    {
        // Checked by eye against seeds/003 listing 5.20's summary and seeds/001 In [22] (frozen totals).
        Approval.Verify("tests/OnnxTrainer.Models.Tests/Approved/vgg16-base+dense256.frozen.summary.txt", KerasSummary.Render(Vgg16Dense256().FreezeBase()));
    }

    [Fact]
    public void Summary_lines_follow_the_keras_2_layout()
    {
        var lines = KerasSummary.Render(Vgg16Dense256()).TrimEnd('\n').Split('\n');
        Assert.Equal(new string('_', 65), lines[0]);
        Assert.Equal("Layer (type)                 Output Shape              Param #", lines[1]);
        Assert.Equal(new string('=', 65), lines[2]);
        Assert.Equal("vgg16 (Model)                (None, 4, 4, 512)         14714688", lines[3]);
        Assert.Equal(new string('_', 65), lines[4]);
        Assert.Equal(new string('=', 65), lines[^4]);
        Assert.Equal(["Total params: 16,812,353", "Trainable params: 16,812,353", "Non-trainable params: 0"], lines[^3..]);
        // Fields end at columns 29, 55 and 65.
        Assert.All(lines[3..^3].Where(l => l[0] is not ('_' or '=')), l =>
        {
            Assert.InRange(l.Length, 56, 65);
            Assert.Equal(' ', l[28]);
            Assert.Equal('(', l[29]);
            Assert.Equal(' ', l[54]);
        });
    }

    [Fact]
    public void Thousands_uses_python_comma_grouping()
    {
        Assert.Equal("0", KerasSummary.Thousands(0));
        Assert.Equal("999", KerasSummary.Thousands(999));
        Assert.Equal("1,000", KerasSummary.Thousands(1000));
        Assert.Equal("138,357,544", KerasSummary.Thousands(138_357_544));
    }
}
