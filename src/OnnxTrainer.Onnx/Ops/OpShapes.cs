namespace OnnxTrainer.Onnx.Ops;

/// <summary>Shape arithmetic shared by the shape rules. The batch dimension stays symbolic.</summary>
internal static class OpShapes
{
    private const long N = TensorType.Batch;
    private const long Unknown = TensorType.Unknown;

    /// <summary>Output type equal to input 0's (element-wise unary ops).</summary>
    public static TensorType[]? Same(ShapeContext s) => [s.In(0)];

    /// <summary>Numpy-style broadcast of the given types.</summary>
    public static TensorType Broadcast(Node node, TensorType[] types, ElementType elem)
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

    /// <summary>Product of dims with the batch symbolic: static if all are, N if the only non-one dim is N, else unknown.</summary>
    public static long SymbolicProduct(long[] dims)
    {
        int batches = dims.Count(d => d == N);
        if (dims.Contains(Unknown) || batches > 1) return Unknown;
        long s = Shapes.Product(dims.Where(d => d >= 0).ToArray());
        return batches == 0 ? s : s == 1 ? N : Unknown;
    }

    /// <summary>Reshape's output dims: 0 copies the input dim, -1 is inferred where the known dims allow.</summary>
    public static long[] Reshape(long[] input, long[] shape)
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
            long inStatic = Shapes.Product(input.Where(d => d >= 0).ToArray());
            bool inBatch = input.Contains(N) && !input.Contains(Unknown) && input.Count(d => d == N) == 1;
            bool outBatch = outDims.Where((_, i) => i != inferAt).Contains(N);
            long outStatic = Shapes.Product(outDims.Where((d, i) => i != inferAt && d >= 0).ToArray());
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

    /// <summary>
    /// Spatial output size of Conv and pooling: floor((in + pads - dilation*(k-1) - 1) / stride) + 1 (ceil with ceil_mode).
    /// </summary>
    public static TensorType ConvLike(Node node, TensorType x, long channels, long[] kernel)
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

    /// <summary>An axis attribute normalized to [0, rank).</summary>
    public static int Axis(Node node, int rank, long fallback)
    {
        long a = node.Int("axis", fallback);
        return (int)(a < 0 ? a + rank : a);
    }
}
