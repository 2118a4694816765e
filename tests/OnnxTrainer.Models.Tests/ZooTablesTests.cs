using OnnxTrainer.Models.Layers;

namespace OnnxTrainer.Models.Tests;

/// <summary>Every zoo model's summary() rows (output shapes, parameter counts) and totals equal the seeds' tables.</summary>
public class ZooTablesTests
{
    private static SummaryTable Summary(Model model) => SummaryTable.Parse(KerasSummary.Render(model));

    private static void AssertRows(IReadOnlyList<SummaryRow> expected, SummaryTable actual)
    {
        var visible = expected.Select(r => r with { Layer = SummaryTable.Visible(r.Layer) }).ToList();
        Assert.Equal(visible, actual.Rows);
        Assert.Equal(expected.Sum(r => r.Params), actual.Total);
    }

    private static void AssertTotals(SummaryTable t, long total, long trainable)
    {
        Assert.Equal(total, t.Total);
        Assert.Equal(trainable, t.Trainable);
        Assert.Equal(total - trainable, t.NonTrainable);
    }

    [Fact]
    public void Mnist_convnet_matches_listing_5_2()
    {
        var model = Zoo.Build("mnist-convnet", new());
        var t = Summary(model);
        AssertRows(SeedTables.Mnist, t);
        AssertTotals(t, 93_322, 93_322);
        Assert.Equal(Activation.Softmax, model.OutputActivation);
    }

    [Fact]
    public void Mnist_conv_stack_alone_matches_listing_5_1()
    {
        var full = Zoo.Build("mnist-convnet", new());
        var stack = new Model("conv-stack", full.InputShape, full.Layers.Take(SmallConvnet.MnistBaseLength).ToArray());
        var t = Summary(stack);
        AssertRows(SeedTables.MnistConvStack, t);
        AssertTotals(t, 55_744, 55_744);
        Assert.Equal(SmallConvnet.MnistBaseLength, full.BaseLayerCount);
    }

    [Fact]
    public void Mnist_convnet_bn_counts_four_params_per_channel_for_batch_normalization_two_of_them_non_trainable()
    {
        // Keras: Conv2D(use_bias=False) has kh*kw*C*F params; BatchNormalization 4*C (gamma, beta trainable; moving mean
        // and variance not); Activation none.
        var model = Zoo.Build("mnist-convnet-bn", new());
        var t = Summary(model);
        AssertRows(
        [
            new("conv2d_1 (Conv2D)", "(None, 26, 26, 32)", 288),
            new("batch_normalization_1 (BatchNormalization)", "(None, 26, 26, 32)", 128),
            new("activation_1 (Activation)", "(None, 26, 26, 32)", 0),
            new("maxpooling2d_1 (MaxPooling2D)", "(None, 13, 13, 32)", 0),
            new("conv2d_2 (Conv2D)", "(None, 11, 11, 64)", 18432),
            new("batch_normalization_2 (BatchNormalization)", "(None, 11, 11, 64)", 256),
            new("activation_2 (Activation)", "(None, 11, 11, 64)", 0),
            new("maxpooling2d_2 (MaxPooling2D)", "(None, 5, 5, 64)", 0),
            new("conv2d_3 (Conv2D)", "(None, 3, 3, 64)", 36864),
            new("batch_normalization_3 (BatchNormalization)", "(None, 3, 3, 64)", 256),
            new("activation_3 (Activation)", "(None, 3, 3, 64)", 0),
            new("flatten_1 (Flatten)", "(None, 576)", 0),
            new("dense_1 (Dense)", "(None, 64)", 36928),
            new("dense_2 (Dense)", "(None, 10)", 650),
        ], t);
        AssertTotals(t, 93_802, 93_802 - 2 * (32 + 64 + 64));
        Assert.Equal(SmallConvnet.MnistBnBaseLength, model.BaseLayerCount);
        Assert.Equal(Activation.Softmax, model.OutputActivation);
    }

    [Fact]
    public void Catsdogs_convnet_matches_listing_5_5()
    {
        var model = Zoo.Build("catsdogs-convnet", new());
        var t = Summary(model);
        AssertRows(SeedTables.CatsDogs, t);
        AssertTotals(t, 3_453_121, 3_453_121);
        Assert.Equal(Activation.Sigmoid, model.OutputActivation);
    }

    [Fact]
    public void Catsdogs_convnet_dropout_matches_listing_5_13()
    {
        var model = Zoo.Build("catsdogs-convnet-dropout", new());
        var t = Summary(model);
        AssertRows(SeedTables.CatsDogsDropout, t);
        AssertTotals(t, 3_453_121, 3_453_121);
        Assert.Equal(0.5f, Assert.IsType<Dropout>(model.Layer("dropout_1").Layer).Rate);
    }

    [Fact]
    public void Santa_convnet_matches_the_hand_computed_table()
    {
        var model = Zoo.Build("santa-convnet", new());
        Assert.Equal(new long[] { 64, 64, 3 }, model.InputShape);
        var t = Summary(model);
        AssertRows(SeedTables.Santa, t);
        AssertTotals(t, SeedTables.SantaTotal, SeedTables.SantaTotal);
        Assert.Equal((4, 4), Assert.IsType<Conv2D>(model.Layer("conv2d_2").Layer).Kernel);
    }

    [Fact]
    public void Vgg16_base_at_150_matches_listing_5_16()
    {
        var model = Zoo.Build("vgg16-base", new() { InputShape = [150, 150, 3] });
        var t = Summary(model);
        AssertRows(SeedTables.Vgg16Base150, t);
        AssertTotals(t, SeedTables.Vgg16BaseTotal, SeedTables.Vgg16BaseTotal);
        Assert.Equal(new long[] { 4, 4, 512 }, model.OutputShape);
        Assert.Equal(26, model.WeightCount);
    }

    [Theory]
    [InlineData(32, 32, 1, 1)]
    [InlineData(150, 150, 4, 4)]
    [InlineData(224, 224, 7, 7)]
    [InlineData(100, 60, 3, 1)]
    public void Vgg_bases_have_the_same_count_at_any_size(int h, int w, long outH, long outW)
    {
        var v16 = Zoo.Build("vgg16-base", new() { InputShape = [h, w, 3] });
        var v19 = Zoo.Build("vgg19-base", new() { InputShape = [h, w, 3] });
        Assert.Equal(SeedTables.Vgg16BaseTotal, v16.TotalParams);
        Assert.Equal(SeedTables.Vgg19BaseTotal, v19.TotalParams);
        Assert.Equal(new long[] { outH, outW, 512 }, v16.OutputShape);
        Assert.Equal(new long[] { outH, outW, 512 }, v19.OutputShape);
        Assert.Equal(SeedTables.Vgg19BaseTotal, Summary(v19).Total);
    }

    [Fact]
    public void Vgg19_base_has_four_convs_in_blocks_3_to_5()
    {
        var model = Zoo.Build("vgg19-base", new());
        var convs = model.Layers.OfType<Conv2D>().Select(c => c.Name).ToList();
        Assert.Equal(16, convs.Count);
        Assert.Equal(["block5_conv1", "block5_conv2", "block5_conv3", "block5_conv4"], convs.Where(n => n.StartsWith("block5_")));
        Assert.Equal(2_359_808, model.Layer("block5_conv4").ParamCount);
        Assert.Equal(590_080, model.Layer("block3_conv4").ParamCount);
    }

    [Theory]
    [InlineData("vgg16", SeedTables.Vgg16WithTopTotal)]
    [InlineData("vgg19", SeedTables.Vgg19WithTopTotal)]
    public void Vgg_with_top_matches_keras_applications(string name, long total)
    {
        var model = Zoo.Build(name, new());
        var t = Summary(model);
        AssertTotals(t, total, total);
        Assert.Equal(SeedTables.VggTop224, t.Rows.TakeLast(5));
        Assert.Equal(new SummaryRow("input_1 (InputLayer)", "(None, 224, 224, 3)", 0), t.Rows[0]);
        Assert.Equal(Activation.Softmax, model.OutputActivation);
    }

    [Fact]
    public void Dense256_head_on_vgg16_base_matches_listing_5_20()
    {
        var model = Zoo.Build("vgg16-base", new() { Head = "dense256", InputShape = [150, 150, 3] });
        var t = Summary(model);
        AssertRows(SeedTables.Dense256OnVgg16, t);
        AssertTotals(t, 16_812_353, 16_812_353);
        Assert.Equal("vgg16-base+dense256", model.Name);
    }

    [Fact]
    public void Dense256_dropout_head_has_the_same_total()
    {
        var model = Zoo.Build("vgg16-base", new() { Head = "dense256-dropout" });
        var t = Summary(model);
        AssertRows(SeedTables.Dense256DropoutOnVgg16, t);
        AssertTotals(t, 16_812_353, 16_812_353);
    }

    [Fact]
    public void Conv32_dense256_head_matches_seeds_001_model2()
    {
        var model = Zoo.Build("vgg16-base", new() { Head = "conv32-dense256" });
        var t = Summary(model);
        AssertRows(SeedTables.Conv32Dense256OnVgg16, t);
        AssertTotals(t, 14_895_457, 14_895_457);
    }

    [Theory]
    [InlineData("dense256", 5, 16_812_353 - 257 + 257 * 5)]
    [InlineData("dense256-dropout", 3, 16_812_353 - 257 + 257 * 3)]
    [InlineData("conv32-dense256", 10, 14_895_457 - 257 + 257 * 10)]
    public void Classes_on_a_head_give_an_n_way_softmax(string head, int classes, long total)
    {
        var model = Zoo.Build("vgg16-base", new() { Head = head, Classes = classes });
        var last = model.Placed[^1];
        Assert.Equal("dense_2", last.Layer.Name);
        Assert.Equal(new long[] { classes }, last.Output);
        Assert.Equal(257L * classes, last.ParamCount);
        Assert.Equal(Activation.Softmax, model.OutputActivation);
        Assert.Equal(total, Summary(model).Total);
    }

    [Theory]
    [InlineData("mnist-convnet", 3, 65 * 3, Activation.Softmax)]
    [InlineData("mnist-convnet", 1, 65, Activation.Sigmoid)]
    [InlineData("catsdogs-convnet", 4, 513 * 4, Activation.Softmax)]
    [InlineData("catsdogs-convnet-dropout", 2, 513 * 2, Activation.Softmax)]
    [InlineData("santa-convnet", 6, 65 * 6, Activation.Softmax)]
    public void Classes_on_a_small_convnet_change_its_classifier(string name, int classes, long lastParams, Activation activation)
    {
        var model = Zoo.Build(name, new() { Classes = classes });
        var baseline = Zoo.Build(name, new());
        Assert.Equal(lastParams, model.Placed[^1].ParamCount);
        Assert.Equal(new long[] { classes }, model.OutputShape);
        Assert.Equal(activation, model.OutputActivation);
        Assert.Equal(baseline.TotalParams - baseline.Placed[^1].ParamCount + lastParams, model.TotalParams);
    }

    [Fact]
    public void Classes_on_vgg16_with_top_replace_the_1000_way_predictions()
    {
        var model = Zoo.Build("vgg16", new() { Classes = 10 });
        Assert.Equal(4097L * 10, model.Layer("predictions").ParamCount);
        Assert.Equal(SeedTables.Vgg16WithTopTotal - 4_097_000 + 40_970, model.TotalParams);
    }

    [Fact]
    public void A_head_on_a_small_convnet_replaces_its_classifier_above_the_conv_stack()
    {
        var model = Zoo.Build("mnist-convnet", new() { Head = "dense256", Classes = 3 });
        var t = Summary(model);
        AssertRows(
        [
            new("mnist-convnet (Model)", "(None, 3, 3, 64)", 55_744),
            new("flatten_1 (Flatten)", "(None, 576)", 0),
            new("dense_1 (Dense)", "(None, 256)", 576 * 256 + 256),
            new("dense_2 (Dense)", "(None, 3)", 257 * 3),
        ], t);
    }

    [Fact]
    public void Gap_dense_head_averages_the_base_output_into_a_vector()
    {
        // Keras' transfer-learning guide: base(inputs, training=False), GlobalAveragePooling2D, Dropout(0.2), Dense(1)
        var model = Zoo.Build("vgg16-base", new() { Head = "gap-dense" }).FreezeBase();
        var t = Summary(model);
        AssertRows(
        [
            new("vgg16 (Model)", "(None, 4, 4, 512)", 14_714_688),
            new("global_average_pooling2d_1 (GlobalAveragePooling2D)", "(None, 512)", 0),
            new("dropout_1 (Dropout)", "(None, 512)", 0),
            new("dense_1 (Dense)", "(None, 1)", 513),
        ], t);
        Assert.Equal(14_715_201, model.TotalParams);
        Assert.Equal(513, model.TrainableParamCount);
        Assert.Equal(512 * 10 + 10, Zoo.Build("vgg16-base", new() { Head = "gap-dense", Classes = 10 }).Layer("dense_1").ParamCount);
    }

    [Fact]
    public void Every_zoo_model_and_head_is_covered_by_a_table_test()
    {
        // If the zoo grows, this test names the newcomer so a seed table test is written for it.
        Assert.Equal(
            ["mnist-convnet", "mnist-convnet-bn", "catsdogs-convnet", "catsdogs-convnet-dropout", "santa-convnet", "vgg16-base", "vgg19-base", "vgg16", "vgg19"],
            Zoo.Models.Select(m => m.Name));
        Assert.Equal(["dense256", "dense256-dropout", "gap-dense", "conv32-dense256"], Zoo.Heads.Select(h => h.Name));
    }
}
