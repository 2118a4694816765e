using OnnxTrainer.Models.Networks;
using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Data;
using OnnxTrainer.Models;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;
using OnnxTrainer.Training.Fitting;
using OnnxTrainer.Training.Transfer;

namespace OnnxTrainer.Training.Tests.Transfer;

/// <summary>Listings 5.17-5.18 on mnist-convnet + dense256: the cached features, and a head trained on them.</summary>
public class FeatureExtractionTests
{
    private static Network Headed(long seed = 1) =>
        ZooNetwork.Initialize(Zoo.Build("mnist-convnet", new ZooOptions { Head = "dense256", Classes = 10 }), seed).FreezeBase();

    [FashionFact]
    public void Features_are_the_base_output_and_the_cache_is_reused_only_for_the_same_base_weights_and_data()
    {
        var model = Headed(seed: 3);
        var data = TrainingFixtures.Source(TrainingFixtures.FashionTrain(50));
        string cache = TrainingFixtures.TempDir();
        var log = new StringWriter();
        var baseNet = NetworkCut.AtHead(model).Base;

        var first = FeatureCache.Extract(baseNet, data, "fashion:50", 16, cache, log);

        Assert.Equal(new long[] { 64, 3, 3 }, first.ExampleShape);
        var images = new float[50 * 784];
        data.FillImages(Enumerable.Range(0, 50).ToArray(), images, null);
        var baseModel = Zoo.Build("mnist-convnet", new ZooOptions());
        var stack = new Model("stack", baseModel.InputShape, baseModel.Layers.Take(baseModel.BaseLayerCount).ToList());
        var baseWeights = new Weights();
        foreach (var p in stack.AllParams) baseWeights.Set(model.CurrentWeights()[p.Name]);
        var graph = ForwardGraph.Build(stack, baseWeights, training: false).Graph; // the conv stack emitted on its own
        var direct = OrtRunner.RunOnce(graph, Tensor.FromFloats("input", images, 50, 1, 28, 28))["output"].Floats;
        Numeric.AssertClose(direct, first.Features, atol: 1e-6f, rtol: 1e-6f, what: "cached features vs the base's forward");
        Assert.Single(Directory.GetFiles(cache));

        var second = FeatureCache.Extract(baseNet, data, "fashion:50", 16, cache, log);
        Assert.Contains("read from", log.ToString());
        Assert.Equal(first.Features, second.Features);

        FeatureCache.Extract(NetworkCut.AtHead(Headed(seed: 4)).Base, data, "fashion:50", 16, cache, log);
        FeatureCache.Extract(baseNet, data, "fashion:50:other", 16, cache, log);
        Assert.Equal(3, Directory.GetFiles(cache).Length);
    }

    [FashionFact]
    public void Head_trained_on_features_equals_end_to_end_training_with_the_frozen_base()
    {
        var model = Headed(seed: 5);
        var weights = model.CurrentWeights();
        var train = TrainingFixtures.Source(TrainingFixtures.FashionTrain(96));
        var test = TrainingFixtures.Source(TrainingFixtures.FashionTest(40));
        var fit = new FitOptions { Epochs = 2, BatchSize = 16, LearningRate = 1e-3, Seed = 9 };

        var fe = FeatureExtraction.Fit(model, train, null, test, "fashion:96", LossKind.CategoricalCrossentropy, "rmsprop", fit, null, TextWriter.Null);
        var trained = fe.Network.CurrentWeights();

        using var endToEnd = new Trainer(model, LossKind.CategoricalCrossentropy, Optimizer.Create("rmsprop"), fit, TextWriter.Null);
        endToEnd.Fit(train, null);
        var expected = endToEnd.CurrentWeights();
        foreach (var name in new[] { "dense_1/W", "dense_1/B", "dense_2/W", "dense_2/B" })
        {
            Assert.NotEqual(weights[name].Floats, trained[name].Floats); // the head trained
            Numeric.AssertClose(expected[name].Floats, trained[name].Floats, atol: 1e-5f, rtol: 1e-4f, what: name);
        }
        Assert.Equal(weights["conv2d_3/W"].Floats, trained["conv2d_3/W"].Floats); // the base stayed as it was
        var (loss, acc) = endToEnd.Evaluate(test);
        Assert.Equal(loss, fe.Test!.Value.Loss, 4);
        Assert.Equal(acc, fe.Test.Value.Acc, 6);
        Assert.Equal(2, fe.History["loss"].Count);
        for (int epoch = 0; epoch < 2; epoch++) Assert.Equal(endToEnd.History["loss"][epoch], fe.History["loss"][epoch], 4);
    }

    [Fact]
    public void Feature_extraction_needs_a_head_and_cuts_where_it_starts()
    {
        var e = Assert.Throws<ModelException>(() => NetworkCut.AtHead(ZooNetwork.Initialize(Zoo.Build("mnist-convnet", new ZooOptions()), 1)));
        Assert.Contains("needs a base with a head", e.Message);
        var cut = NetworkCut.AtHead(Headed());
        Assert.Equal("conv2d_3/out", cut.Value);
        Assert.Equal(new long[] { 64, 3, 3 }, cut.Head.Input.ExampleDims);
        Assert.Equal(["flatten_1", "dense_1", "dense_2"], cut.Head.Layers.Select(l => l.Name));
        Assert.Equal("none", cut.Head.Input.Preprocessing);
        Assert.Equal(["dense_1/W", "dense_1/B", "dense_2/W", "dense_2/B"], cut.Head.Parameters.Select(p => p.Name));
        Assert.Equal(6, cut.Base.Parameters.Count);
        Assert.Equal("conv2d_3/out", cut.Base.Output);
    }
}
