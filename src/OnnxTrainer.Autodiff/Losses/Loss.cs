using OnnxTrainer.Onnx;
using static OnnxTrainer.Onnx.GraphBuilder;

namespace OnnxTrainer.Autodiff.Losses;

/// <summary>
/// Losses as graphs of differentiable primitives only (Add, Sub, Mul, Neg, Abs, Exp, Log, Relu, LogSoftmax, Div,
/// ReduceSum, ReduceMean); label handling (OneHot, Squeeze, Cast of integer labels) is not differentiated.
/// Each loss is the mean over the batch, a float scalar [] named "&lt;scope&gt;/&lt;keras name&gt;"; its nodes are
/// under that name as a scope.
/// </summary>
public static class Loss
{
    /// <summary>Keras clips probabilities to [Epsilon, 1 - Epsilon] when a crossentropy is computed from them.</summary>
    public const float Epsilon = 1e-7f;

    private static readonly (string Name, LossKind Kind)[] KerasNames =
    [
        ("binary_crossentropy", LossKind.BinaryCrossentropy),
        ("categorical_crossentropy", LossKind.CategoricalCrossentropy),
        ("sparse_categorical_crossentropy", LossKind.SparseCategoricalCrossentropy),
        ("mse", LossKind.MeanSquaredError),
        ("mean_squared_error", LossKind.MeanSquaredError),
    ];

    /// <summary>Keras name of a loss (as <c>model.compile(loss=...)</c> spells it).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined <see cref="LossKind"/>.</exception>
    public static string KerasName(LossKind kind) => kind switch
    {
        LossKind.BinaryCrossentropy => "binary_crossentropy",
        LossKind.CategoricalCrossentropy => "categorical_crossentropy",
        LossKind.SparseCategoricalCrossentropy => "sparse_categorical_crossentropy",
        LossKind.MeanSquaredError => "mean_squared_error",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown loss kind."),
    };

    /// <summary>Parses a Keras loss name (case-insensitive).</summary>
    /// <param name="name">binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, mse or mean_squared_error.</param>
    /// <exception cref="ArgumentException">The name is none of these; the message lists them.</exception>
    public static LossKind Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var (known, kind) in KerasNames)
            if (string.Equals(known, name.Trim(), StringComparison.OrdinalIgnoreCase)) return kind;
        throw new ArgumentException(
            $"Unknown loss '{name}'. Valid losses: {string.Join(", ", KerasNames.Select(n => n.Name))}.", nameof(name));
    }

    /// <summary>
    /// Emits the mean loss over the batch as a float scalar [] and returns its value name.
    /// <paramref name="logits"/> is the input of the model's final sigmoid/softmax (null when there is none);
    /// <paramref name="output"/> the model output (probabilities); <paramref name="target"/> float [N,1] 0/1 for binary,
    /// one-hot float [N,K] for categorical, int64 [N] (or [N,1]) class indices for sparse, float of the output's shape
    /// for mse. Crossentropies use the logits when given (stable); otherwise, like Keras, the probabilities clipped to
    /// [1e-7, 1 - 1e-7]. Sparse labels must lie in [0, K): OneHot gives an all-zero row (zero loss) for a label
    /// outside [-K, K) and wraps negative ones, so the trainer must reject bad labels before feeding them.
    /// </summary>
    /// <exception cref="ArgumentException">The target's type does not fit the loss and output (the message names both), or a value is not float where it must be.</exception>
    public static string Build(GraphBuilder b, LossKind kind, string? logits, string output, string target)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(target);
        string name = KerasName(kind);
        using var scope = Naming.Reserve(b, name, out string value);
        return kind switch
        {
            LossKind.BinaryCrossentropy => Binary(b, name, logits, output, target, value),
            LossKind.CategoricalCrossentropy => Categorical(b, name, logits, output, RequireSame(b, name, logits ?? output, target), value),
            LossKind.SparseCategoricalCrossentropy => Categorical(b, name, logits, output, OneHot(b, name, logits ?? output, target), value),
            LossKind.MeanSquaredError => MeanSquared(b, output, RequireSame(b, name, output, target), value),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown loss kind."),
        };
    }

    private static string Binary(GraphBuilder b, string name, string? logits, string output, string target, string value)
    {
        string y = RequireSame(b, name, logits ?? output, target);
        if (logits is not null)
        {
            // max(z,0) - z*y + log(1 + exp(-|z|)) = -y*log(sigmoid(z)) - (1-y)*log(1-sigmoid(z)), finite for any z
            string z = logits;
            string softplusNegAbs = b.Op("Log", [b.Op("Add", [b.Op("Exp", [b.Op("Neg", [b.Op("Abs", [z])])]), b.Const(1f)])]);
            string perElement = b.Op("Add", [b.Op("Sub", [b.Op("Relu", [z]), b.Op("Mul", [z, y])]), softplusNegAbs]);
            return b.Op("ReduceMean", [perElement], value, A("keepdims", 0L));
        }
        // -mean(y*log(p) + (1-y)*log(1-p)), p clipped to [eps, 1-eps] (Keras, from probabilities)
        string p = Clip(b, output);
        string positive = b.Op("Mul", [y, b.Op("Log", [p])]);
        string negative = b.Op("Mul", [b.Op("Sub", [b.Const(1f), y]), b.Op("Log", [b.Op("Sub", [b.Const(1f), p])])]);
        string mean = b.Op("ReduceMean", [b.Op("Add", [positive, negative])], null, A("keepdims", 0L));
        return b.Op("Neg", [mean], value);
    }

    private static string Categorical(GraphBuilder b, string name, string? logits, string output, string y, string value)
    {
        string logProbs;
        if (logits is not null)
        {
            // log softmax(z)_k = z_k - logsumexp(z)
            logProbs = b.Op("LogSoftmax", [logits], null, A("axis", -1L));
        }
        else
        {
            // Keras from probabilities: p / sum_k p, clipped to [eps, 1-eps], then log
            RequireFloat(b, name, output, "output");
            string normalized = b.Op("Div", [output, b.Op("ReduceSum", [output, b.Ints(-1)], null, A("keepdims", 1L))]);
            logProbs = b.Op("Log", [Clip(b, normalized)]);
        }
        // -mean_n sum_k y_nk * log p_nk
        string perExample = b.Op("ReduceSum", [b.Op("Mul", [y, logProbs]), b.Ints(-1)], null, A("keepdims", 0L));
        string mean = b.Op("ReduceMean", [perExample], null, A("keepdims", 0L));
        return b.Op("Neg", [mean], value);
    }

    private static string MeanSquared(GraphBuilder b, string output, string target, string value)
    {
        // mean over all elements of (output - target)^2
        string d = b.Op("Sub", [output, target]);
        return b.Op("ReduceMean", [b.Op("Mul", [d, d])], value, A("keepdims", 0L));
    }

    /// <summary>clip(p, eps, 1-eps) from Relu: q = p - relu(p - hi); q + relu(lo - q). Exact where no clipping happens.</summary>
    private static string Clip(GraphBuilder b, string p)
    {
        string lo = b.Const(Epsilon), hi = b.Const(1f - Epsilon);
        string q = b.Op("Sub", [p, b.Op("Relu", [b.Op("Sub", [p, hi])])]);
        return b.Op("Add", [q, b.Op("Relu", [b.Op("Sub", [lo, q])])]);
    }

    /// <summary>Integer class indices [N] or [N,1] to one-hot float [N,K], K from the last dim of <paramref name="scores"/>.</summary>
    private static string OneHot(GraphBuilder b, string name, string scores, string target)
    {
        var s = b.TypeOf(scores);
        var t = b.TypeOf(target);
        long classes = s.Rank == 0 ? TensorType.Unknown : s.Dims[^1];
        if (s.Elem != ElementType.Float || classes <= 0)
            throw new ArgumentException($"{name}: scores '{scores}' must be float [N,K] with a known K, got {s}.", nameof(scores));
        var batchDims = s.Dims[..^1];
        if (t.Elem is not (ElementType.Int64 or ElementType.Int32))
            throw new ArgumentException($"{name}: target '{target}' must hold int64 class indices, got {t}; feed labels as int64 [N].", nameof(target));
        string labels = target;
        if (t.Dims.AsSpan().SequenceEqual([.. batchDims, 1])) labels = b.Op("Squeeze", [labels, b.Ints(-1)]);
        else if (!t.Dims.AsSpan().SequenceEqual(batchDims))
            throw new ArgumentException(
                $"{name}: target '{target}' is {t} but scores '{scores}' are {s}; feed one class index per example, shape {new TensorType(ElementType.Int64, batchDims).ShapeText}.",
                nameof(target));
        if (t.Elem == ElementType.Int32) labels = b.Op("Cast", [labels], null, A("to", (long)ElementType.Int64));
        string onOff = b.Floats(b.Prefixed("onehot_values"), [0f, 1f], 2);
        return b.Op("OneHot", [labels, b.Ints(classes), onOff], null, A("axis", -1L));
    }

    private static string RequireSame(GraphBuilder b, string name, string value, string target)
    {
        RequireFloat(b, name, value, "output");
        var v = b.TypeOf(value);
        var t = b.TypeOf(target);
        if (t.Elem != ElementType.Float || !t.Dims.AsSpan().SequenceEqual(v.Dims))
            throw new ArgumentException(
                $"{name}: target '{target}' is {t} but '{value}' is {v}; feed float targets of the same shape.", nameof(target));
        return target;
    }

    private static void RequireFloat(GraphBuilder b, string name, string value, string role)
    {
        var v = b.TypeOf(value);
        if (v.Elem != ElementType.Float)
            throw new ArgumentException($"{name}: {role} '{value}' must be float, got {v}.", nameof(value));
    }
}
