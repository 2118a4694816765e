using OnnxTrainer.Autodiff.Gradients;
using OnnxTrainer.Onnx;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Autodiff.Passes;

/// <summary>
/// Pass: the graph behind filter visualization (seeds/003 listings 5.32-5.36). From a forward graph it keeps only what
/// the feature map A of one layer needs, re-inferred for input images of a chosen size, and adds for each example n
/// the loss L_n = mean over i,j of A[n, f_n, i, j] (filter f_n from input <see cref="FilterInput"/>) and the gradient of
/// L_n with respect to the input image divided by its root mean square: g / (sqrt(mean(g^2)) + 1e-5), listing 5.34.
/// Inputs: "input" float [N,C,H,W] (the image in the forward graph's own input space: raw pixels for exported models)
/// and <see cref="FilterInput"/> int64 [N]. Outputs: <see cref="Loss"/> [N] and <see cref="Gradient"/> [N,C,H,W].
/// Examples are independent, so one run serves as many filters as the batch holds.
/// </summary>
public static class FilterGradient
{
    /// <summary>Input int64 [N]: the filter (channel of the feature map) each example maximizes.</summary>
    public const string FilterInput = "filter_index";
    /// <summary>Output float [N]: L_n, the mean activation of filter f_n.</summary>
    public const string Loss = "filter/loss";
    /// <summary>Output float [N,C,H,W]: dL_n/d(image) normalized by its root mean square.</summary>
    public const string Gradient = "filter/gradient";

    /// <summary>
    /// The pass form: <paramref name="graph"/> becomes the filter graph of <paramref name="activations"/> (its nodes,
    /// inputs and outputs replaced as <see cref="Build"/> makes them); the result's values name the loss and gradient.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="Build"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As for <see cref="Build"/>.</exception>
    public static PassResult Apply(Graph graph, string activations, long height, long width, string input = "input") =>
        PassResult.Of(nameof(FilterGradient), graph, () =>
        {
            var built = Build(graph, activations, height, width, input);
            graph.Nodes.Clear();
            graph.Nodes.AddRange(built.Nodes);
            graph.Initializers.Clear();
            graph.Initializers.AddRange(built.Initializers);
            graph.Inputs.Clear();
            graph.Inputs.AddRange(built.Inputs);
            graph.Outputs.Clear();
            graph.Outputs.AddRange(built.Outputs);
            graph.Types.Clear();
            foreach (var (k, v) in built.Types) graph.Types[k] = v;
            graph.Name = built.Name;
            return new Dictionary<string, string> { ["activations"] = activations, ["loss"] = Loss, ["gradient"] = Gradient, ["filter"] = FilterInput };
        });

    /// <summary>A new graph (<paramref name="forward"/> is not changed): the filter graph of <paramref name="activations"/> for images of <paramref name="height"/> x <paramref name="width"/> pixels.</summary>
    /// <param name="forward">The forward graph to take the layers from.</param>
    /// <param name="activations">A rank-4 feature map of the forward graph, such as "block3_conv1/out".</param>
    /// <param name="height">Input image height in pixels, &gt;= 1.</param>
    /// <param name="width">Input image width in pixels, &gt;= 1.</param>
    /// <param name="input">The forward graph's image input.</param>
    /// <exception cref="ArgumentException">The input is missing or not rank 4, the activations are missing, not a rank-4 float value or do not depend on the input, or a layer cannot run at this size.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="height"/> or <paramref name="width"/> is below 1.</exception>
    public static Graph Build(Graph forward, string activations, long height, long width, string input = "input")
    {
        ArgumentNullException.ThrowIfNull(forward);
        var inputInfo = forward.Inputs.FirstOrDefault(i => i.Name == input)
            ?? throw new ArgumentException($"Graph '{forward.Name}' has no input '{input}'.", nameof(input));
        if (inputInfo.Type.Rank != 4)
            throw new ArgumentException($"Input '{input}' must be an image batch [N,C,H,W], got {inputInfo.Type}.", nameof(input));
        if (height < 1 || width < 1)
            throw new ArgumentOutOfRangeException(nameof(height), $"The image size must be positive, got {height}x{width}.");
        if (!forward.Types.ContainsKey(activations))
            throw new ArgumentException($"Graph '{forward.Name}' has no value '{activations}'.", nameof(activations));

        // the nodes A depends on, in graph order
        var needed = new HashSet<string>(StringComparer.Ordinal) { activations };
        var keep = new List<Node>();
        for (int k = forward.Nodes.Count - 1; k >= 0; k--)
        {
            var n = forward.Nodes[k];
            if (!n.Outputs.Any(needed.Contains)) continue;
            keep.Add(n);
            foreach (var i in n.Inputs) needed.Add(i);
        }
        keep.Reverse();
        if (!needed.Contains(input))
            throw new ArgumentException($"'{activations}' does not depend on input '{input}'.", nameof(activations));

        var b = new GraphBuilder(forward.Name + "/filter");
        b.Input(input, TensorType.Float(TensorType.Batch, inputInfo.Type.Dims[1], height, width));
        foreach (var t in forward.Initializers)
            if (needed.Contains(t.Name)) b.Initializer(t);
        foreach (var n in keep)
        {
            try
            {
                b.Node(n.OpType, n.Inputs, n.Outputs.Count, n.Attributes, n.Outputs);
            }
            catch (InvalidOperationException e)
            {
                throw new ArgumentException($"Cannot re-run '{activations}' at {height}x{width}: node '{n.Name}' ({n.OpType}): {e.Message}", nameof(height), e);
            }
        }
        var aType = b.TypeOf(activations);
        if (aType.Elem != ElementType.Float || aType.Rank != 4)
            throw new ArgumentException($"Filter visualization needs a feature map [N,K,h,w]; '{activations}' is {aType}.", nameof(activations));

        string filter = b.Input(FilterInput, TensorType.Int64(TensorType.Batch));
        string loss, total;
        using (b.Scope("filter"))
        {
            // mask[n,k] = (k == f_n); L_n = mean_ij sum_k A[n,k,i,j] * mask[n,k]
            string oneHot = b.Op("OneHot", [filter, b.Ints(aType.Dims[1]), b.Floats(b.Prefixed("off_on"), [0f, 1f], 2)]);
            string mask = b.Op("Unsqueeze", [oneHot, b.Ints(2, 3)]);
            string selected = b.Op("ReduceSum", [b.Op("Mul", [activations, mask]), b.Ints(1)], null, A("keepdims", 0L));
            loss = b.Op("ReduceMean", [selected, b.Ints(1, 2)], Loss, A("keepdims", 0L));
            total = b.Op("ReduceSum", [loss], b.Prefixed("total"), A("keepdims", 0L));
        }
        string grad = GradientPass.Build(b, total, [input])[input];
        using (b.Scope("filter"))
        {
            // g / (sqrt(mean(g^2)) + 1e-5), per example
            string rms = b.Op("Sqrt", [b.Op("ReduceMean", [b.Op("Mul", [grad, grad]), b.Ints(1, 2, 3)], null, A("keepdims", 1L))]);
            b.Op("Div", [grad, b.Op("Add", [rms, b.Const(1e-5f)])], Gradient);
        }
        b.Output(Loss);
        b.Output(Gradient);
        return b.Graph;
    }
}
