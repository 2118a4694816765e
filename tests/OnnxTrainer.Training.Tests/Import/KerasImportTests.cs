using OnnxTrainer.Models.Networks;
using OnnxTrainer.Models;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;
using OnnxTrainer.Training.Import;

namespace OnnxTrainer.Training.Tests.Import;

/// <summary>Keras 2 HDF5 files (written here as Keras writes them) imported into zoo models.</summary>
public class KerasImportTests
{
    private static Model Mnist() => Zoo.Build("mnist-convnet", new ZooOptions()).WithPreprocessing(Preprocessing.None);

    private static string Temp(string name) => Path.Combine(TrainingFixtures.TempDir(), name);

    [Fact]
    public void Save_weights_file_gives_the_predictions_Keras_computes_in_NHWC()
    {
        var model = Mnist();
        var keras = KerasFiles.RandomWeights(model, seed: 3);
        string path = Temp("mnist.h5");
        KerasFiles.Write(path, keras, KerasFileKind.SaveWeights);

        var imported = WeightFiles.Load(path, ZooNetwork.Initialize(model, 1), seed: 1);

        Assert.Equal(WeightFormat.KerasH5, imported.Report.Format);
        Assert.Equal(10, imported.Report.LoadedTensors);
        Assert.Empty(imported.Report.InitializedLayers);
        Assert.Empty(imported.Report.Unused);
        Assert.Equal(Preprocessing.Rescale, imported.Report.Preprocessing); // caffe needs RGB; a 1-channel model gets rescale
        const int n = 2;
        var images = Numeric.Random(n * 28 * 28, 11, 0f, 1f); // one channel: NCHW and NHWC are the same bytes
        var graph = ForwardGraph.Build(model, imported.Weights, training: false).Graph;
        var ours = OrtRunner.RunOnce(graph, Tensor.FromFloats("input", images, n, 1, 28, 28))["output"].Floats;
        var reference = new float[n * 10];
        for (int i = 0; i < n; i++)
            KerasReference.MnistConvnet(images.AsSpan(i * 784, 784), keras).CopyTo(reference, i * 10);
        Numeric.AssertClose(reference, ours, atol: 1e-5f, rtol: 1e-4f, what: "softmax of mnist-convnet");
    }

    [Theory]
    [InlineData(KerasFileKind.Save)]
    [InlineData(KerasFileKind.NestedBase)]
    [InlineData(KerasFileKind.Keras1Names)]
    public void Full_save_nested_base_and_Keras_1_files_give_the_same_weights(KerasFileKind kind)
    {
        var model = Mnist();
        var keras = KerasFiles.RandomWeights(model, seed: 5);
        string plain = Temp("plain.h5"), other = Temp("other.h5");
        KerasFiles.Write(plain, keras, KerasFileKind.SaveWeights);
        KerasFiles.Write(other, keras, kind, nestedName: "mnist_base", nestedCount: 1 + SmallConvnet.MnistBaseLength);

        var expected = WeightFiles.Load(plain, ZooNetwork.Initialize(model, 1), seed: 1).Weights;
        var actual = WeightFiles.Load(other, ZooNetwork.Initialize(model, 1), seed: 1).Weights;

        Assert.Equal(expected.Names, actual.Names);
        foreach (var name in expected.Names) Assert.Equal(expected[name].Floats, actual[name].Floats);
    }

    [Fact]
    public void Conv_kernels_become_OIHW_and_the_dense_after_flatten_reads_NCHW_rows()
    {
        var model = TinyModels.WithTop();
        var keras = KerasFiles.RandomWeights(model, seed: 7);
        string path = Temp("vgg16.h5");
        KerasFiles.Write(path, keras, KerasFileKind.SaveWeights);

        var w = WeightFiles.Load(path, ZooNetwork.Initialize(model, 1), seed: 1).Weights;

        var kernel = keras.Single(l => l.Layer == "block3_conv2").Weights[0]; // [3,3,4,4] HWIO
        var oihw = w["block3_conv2/W"];
        Assert.Equal(new long[] { 4, 4, 3, 3 }, oihw.Dims);
        for (int o = 0; o < 4; o++)
            for (int i = 0; i < 4; i++)
                for (int y = 0; y < 3; y++)
                    for (int x = 0; x < 3; x++)
                        Assert.Equal(kernel.Data[((y * 3 + x) * 4 + i) * 4 + o], oihw.Floats[((o * 4 + i) * 3 + y) * 3 + x]);

        // fc1 follows Flatten of a (2, 2, 4) map: Keras row (y*2 + x)*4 + c is our row (c*2 + y)*2 + x.
        var fc1 = keras.Single(l => l.Layer == "fc1").Weights[0].Data; // [16, 6]
        for (int c = 0; c < 4; c++)
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 2; x++)
                    for (int u = 0; u < 6; u++)
                        Assert.Equal(fc1[((y * 2 + x) * 4 + c) * 6 + u], w["fc1/W"].Floats[((c * 2 + y) * 2 + x) * 6 + u]);
        // fc2 is not after Flatten: unchanged.
        Assert.Equal(keras.Single(l => l.Layer == "fc2").Weights[0].Data, w["fc2/W"].Floats);
    }

    [Fact]
    public void Notop_file_loads_a_base_and_a_base_with_a_fresh_head_with_caffe_preprocessing()
    {
        var notop = KerasFiles.RandomWeights(TinyModels.Base(), seed: 9);
        string path = Temp("notop.h5");
        KerasFiles.Write(path, notop, KerasFileKind.SaveWeights);

        var intoBase = WeightFiles.Load(path, ZooNetwork.Initialize(TinyModels.Base(), 1), seed: 1);
        Assert.Equal(26, intoBase.Report.LoadedTensors);
        Assert.Equal(Preprocessing.Caffe, intoBase.Report.Preprocessing);

        var head = TinyModels.WithHead();
        var intoHead = WeightFiles.Load(path, ZooNetwork.Initialize(head, 4), seed: 4);
        Assert.Equal(26, intoHead.Report.LoadedTensors);
        Assert.Equal(["dense_1", "dense_2"], intoHead.Report.InitializedLayers);
        var fresh = Weights.Initialize(head, seed: 4);
        Assert.Equal(fresh["dense_1/W"].Floats, intoHead.Weights["dense_1/W"].Floats);
        Assert.Equal(intoBase.Weights["block5_conv3/W"].Floats, intoHead.Weights["block5_conv3/W"].Floats);
        Assert.Contains("head dense_1, dense_2 initialized (glorot-uniform, seed 4)", intoHead.Report.Describe());
    }

    [Fact]
    public void File_with_top_leaves_its_classifier_out_of_a_base_but_a_notop_file_cannot_fill_a_top()
    {
        var top = KerasFiles.RandomWeights(TinyModels.WithTop(), seed: 13);
        string withTop = Temp("top.h5"), notop = Temp("notop.h5");
        KerasFiles.Write(withTop, top, KerasFileKind.SaveWeights);
        KerasFiles.Write(notop, KerasFiles.RandomWeights(TinyModels.Base(), seed: 13), KerasFileKind.SaveWeights);

        var intoBase = WeightFiles.Load(withTop, ZooNetwork.Initialize(TinyModels.Base(), 1), seed: 1);
        Assert.Equal(["kernel:0", "bias:0", "kernel:0", "bias:0", "kernel:0", "bias:0"], intoBase.Report.Unused.Select(n => n.Split('/')[^1]));
        Assert.Contains("not used (the file's classifier)", intoBase.Report.Describe());
        var intoHead = WeightFiles.Load(withTop, ZooNetwork.Initialize(TinyModels.WithHead("dense256-dropout", 3), 1), seed: 1);
        Assert.Equal(["dense_1", "dense_2"], intoHead.Report.InitializedLayers);

        var e = Assert.Throws<ModelException>(() => WeightFiles.Load(notop, ZooNetwork.Initialize(TinyModels.WithTop(), 1), seed: 1));
        foreach (var missing in new[] { "missing fc1/W [16,6]", "missing fc1/B [6]", "missing fc2/W [6,6]", "missing fc2/B [6]", "missing predictions/W [6,5]", "missing predictions/B [5]" })
            Assert.Contains(missing, e.Message);
        Assert.Contains("(6 problems)", e.Message);
    }

    [Fact]
    public void Every_missing_extra_and_misshaped_tensor_is_listed_and_nothing_loads()
    {
        var model = Mnist();
        var keras = KerasFiles.RandomWeights(model, seed: 3);
        var broken = keras.Where(l => l.Layer != "dense_1").ToList();
        int conv2 = broken.FindIndex(l => l.Layer == "conv2d_2");
        broken[conv2] = ("conv2d_2", [new KerasWeight("kernel:0", [3, 3, 32, 65], new float[3 * 3 * 32 * 65]), broken[conv2].Weights[1]]);
        broken.Insert(2, ("conv2d_9", [new KerasWeight("kernel:0", [1, 1, 1, 1], [1f])]));
        int conv3 = broken.FindIndex(l => l.Layer == "conv2d_3");
        broken[conv3] = ("conv2d_3", [broken[conv3].Weights[0]]);
        string path = Temp("broken.h5");
        KerasFiles.Write(path, broken, KerasFileKind.SaveWeights);

        var e = Assert.Throws<ModelException>(() => WeightFiles.Load(path, ZooNetwork.Initialize(model, 1), seed: 1));

        Assert.Contains("conv2d_2/kernel:0 is [3,3,32,65], the model's conv2d_2/W needs [3,3,32,64] (Keras HWIO)", e.Message);
        Assert.Contains("layer conv2d_3 has 1 weights in the file (conv2d_3/kernel:0), the model's has 2 (conv2d_3/W, conv2d_3/B)", e.Message);
        Assert.Contains("missing dense_1/W [576,64]", e.Message);
        Assert.Contains("missing dense_1/B [64]", e.Message);
        Assert.Contains("unexpected conv2d_9/kernel:0 [1,1,1,1]", e.Message);
        Assert.Contains("(5 problems)", e.Message);
        Assert.EndsWith("Nothing was loaded.", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_Keras_says_so()
    {
        string path = Temp("other.h5");
        new PureHDF.H5File { ["data"] = new float[] { 1, 2 } }.Write(path);
        var e = Assert.Throws<ModelException>(() => WeightFiles.Load(path, ZooNetwork.Initialize(Mnist(), 1), seed: 1));
        Assert.Contains("without a 'layer_names' attribute", e.Message);
    }
}
