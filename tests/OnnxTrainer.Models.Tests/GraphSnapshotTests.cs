using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Models.Tests;

/// <summary>
/// onnx-graphs/*.txt: the text form of every graph the zoo emits, regenerated and compared on every run
/// (ONNXTRAINER_APPROVE=1 rewrites them). See onnx-graphs/README.md.
/// </summary>
public class GraphSnapshotTests
{
    private const string Folder = "onnx-graphs";

    /// <summary>Snapshot file name (without .txt) and how to build it: every zoo model at its default input, the heads on vgg16-base at 150x150, one training form.</summary>
    public static readonly (string File, ZooCase Case, bool Training)[] Snapshots =
    [
        .. Zoo.Models.Select(m => (m.Name, new ZooCase(m.Name), false)),
        .. Zoo.Heads.Select(h => ($"vgg16-base+{h.Name}", new ZooCase("vgg16-base", h.Name, [150, 150, 3]), false)),
        ("catsdogs-convnet-dropout.train", new ZooCase("catsdogs-convnet-dropout"), true),
    ];

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var s in Snapshots) data.Add(s.File);
        return data;
    }

    /// <summary>Zero weights: the text form never shows weight values, and VGG's 138M glorot draws would only cost time.</summary>
    private static Weights ZeroWeights(Model model)
    {
        var w = new Weights();
        foreach (var p in model.AllParams) w.Set(Tensor.FromFloats(p.Name, new float[p.Count], p.Dims));
        return w;
    }

    public static string Render(string file)
    {
        var (_, c, training) = Snapshots.Single(s => s.File == file);
        var model = c.Build();
        return GraphText.Render(ForwardGraph.Build(model, ZeroWeights(model), training).Graph);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Snapshot_is_unchanged(string file) => Approval.Verify($"{Folder}/{file}.txt", Render(file));

    [Fact]
    public void No_stale_snapshot_files()
    {
        var expected = Snapshots.Select(s => s.File + ".txt").Order().ToList();
        var present = Directory.GetFiles(Path.Combine(Approval.RepoRoot(), Folder), "*.txt").Select(f => Path.GetFileName(f)).Order().ToList();
        Assert.Equal(expected, present);
    }

    [Fact]
    public void Snapshots_show_shapes_and_attributes_but_no_weight_values()
    {
        var text = Render("vgg16-base+conv32-dense256");
        var lines = text.Split('\n');
        Assert.Equal("graph vgg16-base+conv32-dense256 (opset 18)", lines[0]);
        Assert.Contains("input input: f32[N,3,150,150]", lines);
        Assert.Contains("init block1_conv1/W: f32[64,3,3,3]", lines);
        Assert.Contains("init dense_1/W: f32[128,256]", lines);
        Assert.Contains("preprocess/out: f32[N,3,150,150] = Mul(input, const/0.003921569)", lines);
        Assert.Contains("block1_conv1/conv: f32[N,64,150,150] = Conv(preprocess/out, block1_conv1/W, block1_conv1/B) {kernel_shape=[3,3], pads=[1,1,1,1], strides=[1,1]}", lines);
        Assert.Contains("block3_pool/out: f32[N,256,18,18] = MaxPool(block3_conv3/out) {kernel_shape=[2,2], pads=[0,0,0,0], strides=[2,2]}", lines);
        Assert.Contains("conv2d_1/conv: f32[N,32,2,2] = Conv(block5_pool/out, conv2d_1/W, conv2d_1/B) {kernel_shape=[3,3], pads=[0,0,0,0], strides=[1,1]}", lines);
        Assert.Contains("dense_2/out: f32[N,1] = Sigmoid(dense_2/gemm)", lines);
        Assert.Equal("output output: f32[N,1]", lines[^2]);
        Assert.All(lines.Where(l => l.StartsWith("init ", StringComparison.Ordinal) && !l.StartsWith("init const/", StringComparison.Ordinal)),
            l => Assert.DoesNotContain("=", l));
    }

    [Fact]
    public void Training_snapshot_feeds_the_dropout_mask()
    {
        var lines = Render("catsdogs-convnet-dropout.train").Split('\n');
        Assert.Contains("input dropout_1/mask: f32[N,6272]", lines);
        Assert.Contains("dropout_1/out: f32[N,6272] = Mul(flatten_1/out, dropout_1/mask)", lines);
        Assert.DoesNotContain("dropout_1/mask", Render("catsdogs-convnet-dropout"));
    }
}
