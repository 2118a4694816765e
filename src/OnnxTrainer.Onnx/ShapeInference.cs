namespace OnnxTrainer.Onnx;

/// <summary>
/// Output types of the primitive ops the builder emits, from input types and constant inputs.
/// The batch dimension stays symbolic. An op without a rule here must be given its output types.
/// </summary>
public static class ShapeInference
{
    private const long N = TensorType.Batch;
    private const long Unknown = TensorType.Unknown;

    public static TensorType[] Infer(Node node, Graph graph)
    {
        TensorType In(int i) => graph.TypeOf(node.Inputs[i]);
        long[]? ConstInts(int i) => i < node.Inputs.Count && node.Inputs[i].Length > 0
            ? graph.FindInitializer(node.Inputs[i])?.Data switch { long[] l => l, _ => null }
            : null;

        switch (node.OpType)
        {
            case "Relu" or "Sigmoid" or "Exp" or "Log" or "Neg" or "Sqrt" or "Abs" or "Identity" or "Softmax"
                or "LogSoftmax" or "Reciprocal" or "Tanh" or "Floor" or "Sign" or "Not" or "BatchNormalization":
                return [In(0)];
            case "Cast":
                return [In(0) with { Elem = (ElementType)node.Int("to", 1) }];
            case "Add" or "Sub" or "Mul" or "Div" or "Pow" or "Max" or "Min" or "Sum" or "Mean":
                return [Broadcast(node, node.Inputs.Select(graph.TypeOf).ToArray(), In(0).Elem)];
            case "Greater" or "Less" or "Equal" or "GreaterOrEqual" or "LessOrEqual" or "And" or "Or":
                return [Broadcast(node, [In(0), In(1)], ElementType.Bool)];
            case "Where":
                return [Broadcast(node, [In(0), In(1), In(2)], In(1).Elem)];
            case "Conv":
                return [ConvLike(node, In(0), In(1).Dims[0], In(1).Dims[2..])];
            case "MaxPool" or "AveragePool":
            {
                var y = ConvLike(node, In(0), In(0).Dims[1], node.Ints("kernel_shape", []));
                return node.Outputs.Count > 1 ? [y, y with { Elem = ElementType.Int64 }] : [y];
            }
            case "GlobalAveragePool" or "GlobalMaxPool":
                return [In(0).WithDims([In(0).Dims[0], In(0).Dims[1], 1, 1])];
            case "Gemm":
            {
                var a = In(0).Dims;
                var b = In(1).Dims;
                long m = node.Int("transA", 0) == 1 ? a[1] : a[0];
                long n = node.Int("transB", 0) == 1 ? b[0] : b[1];
                return [In(0).WithDims([m, n])];
            }
            case "MatMul":
            {
                var a = In(0).Dims;
                var b = In(1).Dims;
                if (a.Length < 2 || b.Length != 2) break;
                return [In(0).WithDims([.. a[..^1], b[1]])];
            }
            case "Flatten":
            {
                var d = In(0).Dims;
                int axis = (int)node.Int("axis", 1);
                if (axis < 0) axis += d.Length;
                return [In(0).WithDims([Product(d[..axis]), Product(d[axis..])])];
            }
            case "Reshape":
            {
                var shape = ConstInts(1);
                if (shape is null) break;
                return [In(0).WithDims(Reshape(In(0).Dims, shape))];
            }
            case "Transpose":
            {
                var d = In(0).Dims;
                var perm = node.Ints("perm", Enumerable.Range(0, d.Length).Reverse().Select(i => (long)i).ToArray());
                return [In(0).WithDims(perm.Select(p => d[p]).ToArray())];
            }
            case "ReduceSum" or "ReduceMean" or "ReduceMax" or "ReduceMin" or "ReduceL2" or "ReduceSumSquare" or "ReduceLogSumExp":
            {
                var d = In(0).Dims;
                long[]? axes = node.Has("axes") ? node.Ints("axes", []) : ConstInts(1);
                bool keep = node.Int("keepdims", 1) == 1;
                var set = (axes is null || axes.Length == 0 ? Enumerable.Range(0, d.Length).Select(i => (long)i) : axes)
                    .Select(a => a < 0 ? a + d.Length : a).ToHashSet();
                var outDims = new List<long>();
                for (int i = 0; i < d.Length; i++)
                    if (!set.Contains(i)) outDims.Add(d[i]);
                    else if (keep) outDims.Add(1);
                return [In(0).WithDims(outDims.ToArray())];
            }
            case "Shape":
                return [TensorType.Int64(In(0).Rank)];
            case "Expand":
            {
                var shape = ConstInts(1);
                if (shape is null) break;
                return [Broadcast(node, [In(0), TensorType.Float(shape)], In(0).Elem)];
            }
            case "OneHot":
            {
                var depth = ConstInts(1);
                if (depth is null) break;
                return [new TensorType(graph.TypeOf(node.Inputs[2]).Elem, [.. In(0).Dims, depth[0]])];
            }
            case "GatherElements":
                return [In(1) with { Elem = In(0).Elem }];
            case "ScatterElements" or "ScatterND":
                return [In(0)];
            case "ArgMax" or "ArgMin":
            {
                var d = In(0).Dims.ToList();
                int axis = (int)node.Int("axis", 0);
                if (axis < 0) axis += d.Count;
                if (node.Int("keepdims", 1) == 1) d[axis] = 1; else d.RemoveAt(axis);
                return [TensorType.Int64([.. d])];
            }
            case "Unsqueeze":
            {
                var axes = ConstInts(1);
                if (axes is null) break;
                var d = In(0).Dims.ToList();
                int rank = d.Count + axes.Length;
                foreach (var a in axes.Select(a => a < 0 ? a + rank : a).Order()) d.Insert((int)a, 1);
                return [In(0).WithDims([.. d])];
            }
            case "Squeeze":
            {
                var axes = ConstInts(1);
                var d = In(0).Dims;
                var set = (axes ?? Enumerable.Range(0, d.Length).Where(i => d[i] == 1).Select(i => (long)i).ToArray())
                    .Select(a => a < 0 ? a + d.Length : a).ToHashSet();
                return [In(0).WithDims(d.Where((_, i) => !set.Contains(i)).ToArray())];
            }
            case "Concat":
            {
                var types = node.Inputs.Select(graph.TypeOf).ToArray();
                int axis = (int)node.Int("axis", 0);
                if (axis < 0) axis += types[0].Rank;
                var d = (long[])types[0].Dims.Clone();
                d[axis] = types.Any(t => t.Dims[axis] < 0) ? Unknown : types.Sum(t => t.Dims[axis]);
                return [types[0].WithDims(d)];
            }
            case "Slice":
            {
                var starts = ConstInts(1);
                var ends = ConstInts(2);
                var axes = ConstInts(3);
                var steps = ConstInts(4);
                if (starts is null || ends is null) break;
                var d = (long[])In(0).Dims.Clone();
                for (int k = 0; k < starts.Length; k++)
                {
                    int ax = (int)(axes?[k] ?? k);
                    if (ax < 0) ax += d.Length;
                    long step = steps?[k] ?? 1;
                    long size = d[ax];
                    if (size < 0 || step != 1) { d[ax] = Unknown; continue; }
                    long s = Math.Clamp(starts[k] < 0 ? starts[k] + size : starts[k], 0, size);
                    long e = Math.Clamp(ends[k] < 0 ? ends[k] + size : ends[k], 0, size);
                    d[ax] = Math.Max(0, e - s);
                }
                return [In(0).WithDims(d)];
            }
            case "Pad":
            {
                var pads = ConstInts(1);
                if (pads is null) break;
                var d = In(0).Dims;
                return [In(0).WithDims(d.Select((x, i) => x < 0 ? x : x + pads[i] + pads[i + d.Length]).ToArray())];
            }
            case "SoftmaxCrossEntropyLoss":
            {
                var loss = node.Str("reduction", "mean") == "none" ? In(0).WithDims([In(0).Dims[0]]) : In(0).WithDims([]);
                return node.Outputs.Count > 1 ? [loss, In(0)] : [loss];
            }
            case "Dropout":
                return node.Outputs.Count > 1 ? [In(0), In(0) with { Elem = ElementType.Bool }] : [In(0)];
        }
        throw new InvalidOperationException(
            $"No shape rule for {node.OpType} node '{node.Name}' with these inputs; pass the output types to GraphBuilder.Node.");
    }

    /// <summary>Product of dims: static if all are, N if the only non-one dim is N, else unknown.</summary>
    private static long Product(long[] dims)
    {
        int batches = dims.Count(d => d == N);
        if (dims.Contains(Unknown) || batches > 1) return Unknown;
        long s = dims.Where(d => d >= 0).Aggregate(1L, (a, b) => a * b);
        return batches == 0 ? s : s == 1 ? N : Unknown;
    }

    private static long[] Reshape(long[] input, long[] shape)
    {
        var outDims = new long[shape.Length];
        int inferAt = -1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 0) outDims[i] = input[i];
            else if (shape[i] == -1) inferAt = i;
            else outDims[i] = shape[i];
        }
        if (inferAt >= 0)
        {
            long inStatic = input.Where(d => d >= 0).Aggregate(1L, (a, b) => a * b);
            bool inBatch = input.Contains(N) && !input.Contains(Unknown) && input.Count(d => d == N) == 1;
            bool outBatch = outDims.Where((_, i) => i != inferAt).Contains(N);
            long outStatic = outDims.Where((d, i) => i != inferAt && d >= 0).Aggregate(1L, (a, b) => a * b);
            if (inBatch && !outBatch && inStatic % outStatic == 0)
                outDims[inferAt] = inStatic == outStatic ? N : Unknown;
            else if (!input.Any(d => d < 0) && outStatic > 0 && inStatic % outStatic == 0)
                outDims[inferAt] = inStatic / outStatic;
            else if (inBatch && outBatch && inStatic % outStatic == 0)
                outDims[inferAt] = inStatic / outStatic;
            else
                outDims[inferAt] = Unknown;
        }
        return outDims;
    }

    private static TensorType Broadcast(Node node, TensorType[] types, ElementType elem)
    {
        int rank = types.Max(t => t.Rank);
        var d = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long dim = 1;
            foreach (var t in types)
            {
                int j = i - (rank - t.Rank);
                if (j < 0) continue;
                long x = t.Dims[j];
                if (x == 1) continue;
                if (dim == 1) dim = x;
                else if (dim != x)
                    throw new InvalidOperationException(
                        $"{node.OpType} node '{node.Name}': shapes {string.Join(" and ", types.Select(t => t.ShapeText))} do not broadcast.");
            }
            d[i] = dim;
        }
        return new TensorType(elem, d);
    }

    /// <summary>Spatial output size of Conv and pooling: floor((in + pads - dilation*(k-1) - 1) / stride) + 1.</summary>
    private static TensorType ConvLike(Node node, TensorType x, long channels, long[] kernel)
    {
        int spatial = x.Rank - 2;
        var strides = node.Ints("strides", Enumerable.Repeat(1L, spatial).ToArray());
        var pads = node.Ints("pads", new long[2 * spatial]);
        var dil = node.Ints("dilations", Enumerable.Repeat(1L, spatial).ToArray());
        bool ceil = node.Int("ceil_mode", 0) == 1;
        var d = new long[x.Rank];
        d[0] = x.Dims[0];
        d[1] = channels;
        for (int i = 0; i < spatial; i++)
        {
            long span = x.Dims[i + 2] + pads[i] + pads[i + spatial] - dil[i] * (kernel[i] - 1) - 1;
            if (span < 0)
                throw new InvalidOperationException(
                    $"{node.OpType} node '{node.Name}': input {x.ShapeText} is smaller than its kernel [{string.Join(",", kernel)}].");
            d[i + 2] = (ceil ? (span + strides[i] - 1) / strides[i] : span / strides[i]) + 1;
        }
        return x.WithDims(d);
    }
}
