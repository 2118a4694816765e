using OnnxTrainer.Autodiff.Gradients;
using OnnxTrainer.Onnx;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Autodiff.Passes;

/// <summary>
/// Pass: adds Grad-CAM outputs (Selvaraju et al. 2017; seeds/003 listings 5.42-5.43) to a classifier's forward graph,
/// so an app gets them from one ONNX Runtime call with no autograd at run time.
/// <list type="bullet">
/// <item>input <see cref="ClassInput"/> int64 [N]: the class to explain per example; -1 means the predicted class. It is
/// optional: an initializer of the same name holds the default [-1], so a caller that feeds only the image gets the
/// predicted class (and callers that know nothing of explaining keep working).</item>
/// <item><see cref="Activations"/> A [N,K,h,w]: the target layer's output; <see cref="Gradients"/> dy_c/dA [N,K,h,w];
/// <see cref="Heatmap"/> [N,h,w] = ReLU(sum_k mean_ij(dy_c/dA_k) * A_k) divided by its maximum per example (all zeros
/// where the ReLU leaves nothing); <see cref="Class"/> int64 [N]: the class explained.</item>
/// </list>
/// The class score y_c is the pre-activation logit of the classifier (the input of its final softmax or sigmoid), as
/// in the Grad-CAM paper; listing 5.42 differentiates the probability instead, whose gradient vanishes as it saturates.
/// For a sigmoid head, class 1 explains the logit and class 0 explains -logit (the logit of 1 - p).
/// </summary>
public static class ExplainOutputs
{
    /// <summary>Optional input int64 [N]: the class to explain per example, -1 (the default) for the predicted class.</summary>
    public const string ClassInput = "explain_class";
    /// <summary>Output float [N,K,h,w]: the target layer's feature map A.</summary>
    public const string Activations = "explain/activations";
    /// <summary>Output float [N,K,h,w]: dy_c/dA, the class score's gradient at the feature map.</summary>
    public const string Gradients = "explain/gradients";
    /// <summary>Output float [N,h,w]: the Grad-CAM heatmap, in [0, 1] per example.</summary>
    public const string Heatmap = "explain/heatmap";
    /// <summary>Output int64 [N]: the class each heatmap explains.</summary>
    public const string Class = "explain/class";

    /// <summary>
    /// Adds the explain outputs for the feature map <paramref name="activations"/> (a rank-4 value below the
    /// classifier, such as "block5_conv3/out") to <paramref name="graph"/>, whose output <paramref name="output"/> must
    /// be the probabilities of a softmax or sigmoid classifier.
    /// </summary>
    /// <exception cref="ArgumentException">The output is not a softmax [N,C] or sigmoid [N,1] classifier, or <paramref name="activations"/> is missing, not a float [N,K,h,w] map, or not below the classifier.</exception>
    public static PassResult Apply(Graph graph, string activations, string output = "output") =>
        PassResult.Of(nameof(ExplainOutputs), graph, () => Add(graph, activations, output));

    private static IReadOnlyDictionary<string, string> Add(Graph graph, string activations, string output)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var (logits, sigmoid) = FindLogits(graph, output);
        if (!graph.Types.TryGetValue(activations, out var aType))
            throw new ArgumentException($"Graph '{graph.Name}' has no value '{activations}' to explain.", nameof(activations));
        if (aType.Elem != ElementType.Float || aType.Rank != 4)
            throw new ArgumentException($"Grad-CAM needs a feature map [N,K,h,w] (a Conv2D or pooling output); '{activations}' is {aType}.", nameof(activations));
        if (!DependsOn(graph, logits, activations))
            throw new ArgumentException($"The classifier's score '{logits}' does not depend on '{activations}'; choose a layer below the classifier.", nameof(activations));

        var b = new GraphBuilder(graph);
        string chosen, score;
        using (b.Scope("explain"))
        {
            string cls = OptionalClassInput(b);
            // the predicted class: argmax of the logits, or logit > 0 (p > 0.5) for a sigmoid
            string logitRow = sigmoid ? b.Op("Reshape", [logits, b.Ints(-1)]) : logits;
            string predicted = sigmoid
                ? b.Op("Cast", [b.Op("Greater", [logitRow, b.Const(0f)])], null, A("to", (long)ElementType.Int64))
                : b.Op("ArgMax", [logits], null, A("axis", 1L), A("keepdims", 0L));
            chosen = b.Op("Where", [b.Op("Less", [cls, b.Int(0)]), predicted, cls], Class);
            // sum over the batch of each example's score: examples are independent, so d/dA[n] is example n's own gradient
            string perExample = sigmoid
                ? b.Op("Mul", [logitRow, b.Op("Sub", [b.Op("Mul", [b.Op("Cast", [chosen], null, A("to", (long)ElementType.Float)), b.Const(2f)]), b.Const(1f)])]) // y = (2c - 1) * logit
                : b.Op("Mul", [logits, b.Op("OneHot", [chosen, b.Ints(b.DimsOf(logits)[1]), b.ConstFloats(0f, 1f)])]); // y = logits . onehot(c)
            score = b.Op("ReduceSum", [perExample], "explain/score", A("keepdims", 0L));
        }
        string grad = GradientPass.Build(b, score, [activations])[activations];
        using (b.Scope("explain"))
        {
            // alpha_k = mean over i,j of dy/dA_k; cam = ReLU(sum_k alpha_k A_k); heatmap = cam / max(cam)
            string alpha = b.Op("ReduceMean", [grad, b.Ints(2, 3)], b.Prefixed("alpha"), A("keepdims", 1L));
            string cam = b.Op("Relu", [b.Op("ReduceSum", [b.Op("Mul", [alpha, activations]), b.Ints(1)], null, A("keepdims", 0L))], b.Prefixed("cam"));
            string peak = b.Op("ReduceMax", [cam, b.Ints(1, 2)], b.Prefixed("peak"), A("keepdims", 1L));
            // max(peak, 1e-30): where cam is all zero, 0 / 1e-30 = 0 instead of 0 / 0
            b.Op("Div", [cam, b.Op("Max", [peak, b.Const(1e-30f)])], Heatmap);
        }
        b.Op("Identity", [activations], Activations);
        b.Op("Identity", [grad], Gradients);
        b.Output(Activations);
        b.Output(Gradients);
        b.Output(Heatmap);
        b.Output(Class);
        // Rules may leave input gradients nobody needs (the target layer's own ReLU): Prune removes them.
        return new Dictionary<string, string> { ["activations"] = activations, ["logits"] = logits, ["score"] = score, ["gradients"] = grad };
    }

    /// <summary>True when <paramref name="graph"/> already has the explain outputs.</summary>
    public static bool IsApplied(Graph graph) => graph.Outputs.Any(o => o.Name == Heatmap);

    /// <summary>
    /// The logits behind the classifier output: <paramref name="output"/> is (through Identity ops) a Softmax or a Sigmoid
    /// whose input is the logits. Returns the logits value and whether the head is a sigmoid.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="output"/> does not come from a Softmax over [N,C] or a Sigmoid over [N,1].</exception>
    public static (string Logits, bool Sigmoid) FindLogits(Graph graph, string output = "output")
    {
        var node = graph.Producer(output);
        while (node is { OpType: "Identity" }) node = graph.Producer(node.Inputs[0]);
        return node switch
        {
            { OpType: "Softmax" } when graph.TypeOf(node.Inputs[0]).Rank == 2 => (node.Inputs[0], false),
            { OpType: "Sigmoid" } when graph.TypeOf(node.Inputs[0]).Dims is [_, 1] => (node.Inputs[0], true),
            _ => throw new ArgumentException(
                $"Grad-CAM explains a classifier: output '{output}' of graph '{graph.Name}' must come from a Softmax over [N,C] or a Sigmoid over [N,1], " +
                $"found {node?.OpType ?? "no node"}. Put a classifier head on the model (for example --head dense256)."),
        };
    }

    /// <summary>
    /// Input "explain_class" int64 [N] with the default [-1]: an initializer of the same name (ONNX IR 4+), which
    /// ONNX Runtime uses when the input is not fed.
    /// </summary>
    private static string OptionalClassInput(GraphBuilder b)
    {
        string name = b.Initializer(Tensor.FromInt64s(ClassInput, [-1L], 1));
        var type = TensorType.Int64(TensorType.Batch);
        b.Graph.Inputs.Add(new ValueInfo(name, type));
        b.Graph.Types[name] = type;
        return name;
    }

    private static bool DependsOn(Graph graph, string value, string on)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal) { value };
        for (int k = graph.Nodes.Count - 1; k >= 0; k--)
            if (graph.Nodes[k].Outputs.Any(needed.Contains))
                foreach (var i in graph.Nodes[k].Inputs) needed.Add(i);
        return needed.Contains(on);
    }
}
