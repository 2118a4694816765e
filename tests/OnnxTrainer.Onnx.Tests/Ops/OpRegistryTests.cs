using OnnxTrainer.Onnx.Ops;

namespace OnnxTrainer.Onnx.Tests.Ops;

/// <summary>The op registry: every op has a shape rule and a gradient rule or the reason it has none.</summary>
public class OpRegistryTests
{
    // Every op the registry supports. A change here is deliberate: add the op's file under src/OnnxTrainer.Onnx/Ops and its tests.
    private static readonly string[] Differentiable =
    [
        "Abs", "Clip", "Add", "AveragePool", "BatchNormalization", "Cast", "Concat", "Conv", "ConvTranspose", "CumSum", "Div",
        "Dropout", "Exp", "Expand", "Flatten", "Gather", "GatherElements", "Gemm", "GlobalAveragePool", "GlobalMaxPool", "HardSigmoid",
        "HardSwish", "Identity", "Log", "LogSoftmax", "MatMul", "Max", "MaxPool", "Mean", "Min", "Mul", "Neg", "Pad", "Pow", "Reciprocal",
        "ReduceL2", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceSum", "ReduceSumSquare", "Relu", "Reshape",
        "ScatterElements", "ScatterND", "Sigmoid", "Slice", "Softmax", "SoftmaxCrossEntropyLoss", "Split", "Sqrt", "Squeeze", "Sub", "Sum",
        "Tanh", "Transpose", "Unsqueeze", "Where",
    ];

    private static readonly string[] WithoutGradient =
    [
        "And", "ArgMax", "ArgMin", "Ceil", "Equal", "Floor", "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Not", "OneHot", "Or",
        "Round", "Shape", "Sign", "Size",
    ];

    [Fact]
    public void Every_op_has_a_shape_rule_and_a_gradient_rule_or_a_reason_for_none()
    {
        Assert.All(OpRegistry.Rules, kv =>
        {
            var (op, rule) = (kv.Key, kv.Value);
            Assert.Equal(op, rule.OpType);
            Assert.NotNull(rule.Shape);
            Assert.True(rule.Gradient is null != rule.NoGradientReason is null,
                $"{op}: a rule has exactly one of a gradient rule and a no-gradient reason.");
            if (rule.NoGradientReason is { } why) Assert.True(why.Length >= 20, $"{op}: the reason '{why}' says too little.");
        });
    }

    [Fact]
    public void The_registry_lists_exactly_the_supported_ops()
    {
        var differentiable = Differentiable.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(differentiable, OpRegistry.Rules.Values.Where(r => r.Gradient is not null).Select(r => r.OpType).Order(StringComparer.Ordinal));
        Assert.Equal(WithoutGradient, OpRegistry.Rules.Values.Where(r => r.Gradient is null).Select(r => r.OpType).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Ops_without_gradient_say_why()
    {
        Assert.Equal("bool output: nothing to differentiate", OpRegistry.Find("Greater")!.NoGradientReason);
        Assert.Equal("piecewise constant: its derivative is zero wherever it exists", OpRegistry.Find("Floor")!.NoGradientReason);
        Assert.StartsWith("int64 output", OpRegistry.Find("ArgMax")!.NoGradientReason);
        Assert.StartsWith("int64 output", OpRegistry.Find("Shape")!.NoGradientReason);
    }

    [Fact]
    public void A_rule_without_gradient_needs_a_reason()
    {
        var e = Assert.Throws<ArgumentException>(() => OpRule.NoGradient("Foo", s => [s.In(0)], " "));
        Assert.StartsWith("Op Foo: say why it carries no gradient.", e.Message);
        Assert.Throws<ArgumentNullException>(() => OpRule.Differentiable("Foo", s => [s.In(0)], null!));
    }

    [Fact]
    public void Unknown_op_names_the_op_and_the_node()
    {
        var b = new GraphBuilder("g");
        b.Input("x", TensorType.Float(2, 3));
        var e = Assert.Throws<InvalidOperationException>(() => b.Op("LeakyRelu", ["x"], "leaky"));
        Assert.Equal("No shape rule for LeakyRelu node 'leaky' with these inputs; pass the output types to GraphBuilder.Node.", e.Message);
    }

    public static TheoryData<string, long[][], string> ShapeCases => new()
    {
        // op and attributes (as a short code), input dims, expected output shapes
        { "Slice 1:-1:2 axis 1", [[2, 7, 3]], "[2,3,3]" },
        { "Slice -1:-9:-3 axis 1", [[2, 7, 3]], "[2,3,3]" },
        { "Split num_outputs 3 axis 1", [[2, 7]], "[2,3] [2,3] [2,1]" },
        { "Split sizes 2,5 axis 1", [[2, 7]], "[2,2] [2,5]" },
        { "Pad 1,0,2,3", [[2, 3]], "[5,6]" },
        { "Gather axis 1 [2]", [[2, 5, 3]], "[2,2,3]" },
        { "Gather axis 0 scalar", [[4, 5]], "[5]" },
        { "Conv group 4", [[1, 8, 6, 6], [8, 2, 3, 3]], "[1,8,4,4]" },
        { "ConvTranspose stride 2 pads 1,1,0,0", [[1, 4, 3, 3], [4, 2, 3, 3]], "[1,2,6,6]" },
        { "MaxPool 3x3 stride 2 pads 1,1,0,0", [[1, 2, 112, 112]], "[1,2,56,56]" },
        { "Conv 7x7 stride 2 pads 3,3,2,2", [[1, 3, 224, 224], [4, 3, 7, 7]], "[1,4,112,112]" },
        { "GlobalMaxPool", [[TensorType.Batch, 3, 5, 4]], "[N,3,1,1]" },
    };

    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void Shape_rules_of_the_new_ops(string what, long[][] inputs, string expected)
    {
        var b = new GraphBuilder("g");
        var names = inputs.Select((d, i) => b.Input("x" + i, TensorType.Float(d))).ToList();
        string[] outs = what switch
        {
            "Slice 1:-1:2 axis 1" => [b.Op("Slice", [names[0], b.Ints(1), b.Ints(-1), b.Ints(1), b.Ints(2)])],
            "Slice -1:-9:-3 axis 1" => [b.Op("Slice", [names[0], b.Ints(-1), b.Ints(-9), b.Ints(1), b.Ints(-3)])],
            "Split num_outputs 3 axis 1" => b.Node("Split", [names[0]], 3, [GraphBuilder.A("axis", 1L), GraphBuilder.A("num_outputs", 3L)]),
            "Split sizes 2,5 axis 1" => b.Node("Split", [names[0], b.Ints(2, 5)], 2, [GraphBuilder.A("axis", 1L)]),
            "Pad 1,0,2,3" => [b.Op("Pad", [names[0], b.Ints(1, 0, 2, 3)])],
            "Gather axis 1 [2]" => [b.Op("Gather", [names[0], b.Ints(4, 0)], null, GraphBuilder.A("axis", 1L))],
            "Gather axis 0 scalar" => [b.Op("Gather", [names[0], b.Int(3)])],
            "Conv group 4" => [b.Op("Conv", [names[0], names[1]], null, GraphBuilder.A("group", 4L))],
            "ConvTranspose stride 2 pads 1,1,0,0" => [b.Op("ConvTranspose", [names[0], names[1]], null,
                GraphBuilder.A("strides", new long[] { 2, 2 }), GraphBuilder.A("pads", new long[] { 1, 1, 0, 0 }))],
            "MaxPool 3x3 stride 2 pads 1,1,0,0" => [b.Op("MaxPool", [names[0]], null, GraphBuilder.A("kernel_shape", new long[] { 3, 3 }),
                GraphBuilder.A("strides", new long[] { 2, 2 }), GraphBuilder.A("pads", new long[] { 1, 1, 0, 0 }))],
            "Conv 7x7 stride 2 pads 3,3,2,2" => [b.Op("Conv", [names[0], names[1]], null,
                GraphBuilder.A("strides", new long[] { 2, 2 }), GraphBuilder.A("pads", new long[] { 3, 3, 2, 2 }))],
            "GlobalMaxPool" => [b.Op("GlobalMaxPool", [names[0]])],
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
        Assert.Equal(expected, string.Join(" ", outs.Select(o => b.TypeOf(o).ShapeText)));
    }
}
