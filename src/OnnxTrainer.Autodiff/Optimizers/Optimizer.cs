using System.Runtime.CompilerServices;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Autodiff.Optimizers;

/// <summary>An optimizer slot: its value name (e.g. "rmsprop/rms/dense_1/W") and shape. Slots start at zero.</summary>
public sealed record SlotSpec(string Name, long[] Dims);

/// <summary>What <see cref="Optimizer.Emit"/> made for one parameter: the values read and the values written.</summary>
public sealed record ParamUpdate(string Param, string Grad, IReadOnlyList<string> Slots, string NewParam, IReadOnlyList<string> NewSlots);

/// <summary>
/// Optimizer hyperparameters for <see cref="Optimizer.Create"/>; null means the optimizer's Keras default.
/// Setting one the optimizer does not use is an error.
/// </summary>
public sealed record OptimizerOptions
{
    /// <summary>rmsprop: decay of the running mean of g^2 (Keras default 0.9).</summary>
    public double? Rho { get; init; }
    /// <summary>rmsprop, adam, adamw: denominator fuzz (Keras default 1e-7).</summary>
    public double? Epsilon { get; init; }
    /// <summary>sgd: momentum in [0, 1] (default 0, no slot).</summary>
    public double? Momentum { get; init; }
    /// <summary>sgd: Nesterov momentum (default false).</summary>
    public bool? Nesterov { get; init; }
    /// <summary>adam, adamw: decay of the first moment (default 0.9).</summary>
    public double? Beta1 { get; init; }
    /// <summary>adam, adamw: decay of the second moment (default 0.999).</summary>
    public double? Beta2 { get; init; }
    /// <summary>Any optimizer: decoupled weight decay p -= lr*wd*p (default 0; adamw 0.004).</summary>
    public double? WeightDecay { get; init; }
}

/// <summary>
/// An update-graph builder: (param, grad, slots, lr, step) -> (param', slots') for one parameter at a time.
/// Hyperparameters are graph constants; lr and step are graph inputs, so a schedule needs no new graph.
/// </summary>
public abstract record Optimizer
{
    private static readonly string[] ValidNames = ["rmsprop", "sgd", "adam", "adamw"];

    /// <summary>Per graph: the shared scalars already made, by optimizer, lr and step.</summary>
    private static readonly ConditionalWeakTable<Graph, Dictionary<(Optimizer, string, string), (string Keep, IReadOnlyList<string> Shared)>> SharedValues = new();

    /// <summary>Keras name: "rmsprop", "sgd", "adam", "adamw".</summary>
    public abstract string Name { get; }

    /// <summary>Slot kinds per parameter, in the order <see cref="Emit"/> takes and returns them.</summary>
    public abstract IReadOnlyList<string> SlotKinds { get; }

    /// <summary>Decoupled weight decay as Keras applies it before the update: p -= lr * wd * p.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 0.</exception>
    public double WeightDecay { get; init => field = Check(value, 0, double.MaxValue, nameof(WeightDecay)); }

    /// <summary>The value name of a slot: "&lt;optimizer&gt;/&lt;kind&gt;/&lt;param&gt;", for example "rmsprop/rms/dense_1/W".</summary>
    public string SlotName(string kind, string param) => $"{Name}/{kind}/{param}";

    /// <summary>The slots one parameter needs (all start at zero).</summary>
    public IReadOnlyList<SlotSpec> SlotsFor(string param, long[] dims) =>
        SlotKinds.Select(kind => new SlotSpec(SlotName(kind, param), (long[])dims.Clone())).ToArray();

    /// <summary>
    /// Emits the update of one parameter. <paramref name="param"/>, <paramref name="grad"/> and <paramref name="slots"/>
    /// (one per <see cref="SlotKinds"/>) are float values of the parameter's shape; <paramref name="lr"/> and
    /// <paramref name="step"/> (1-based index of this update) are float scalars []. Outputs are named
    /// "new/&lt;param&gt;" and "new/&lt;slot&gt;"; intermediates are under the scope "&lt;name&gt;/&lt;param&gt;".
    /// </summary>
    /// <exception cref="ArgumentException">The parameter is not float, the gradient or a slot differs from its type, the slot count is not that of <see cref="SlotKinds"/>, or lr or step is not a float scalar.</exception>
    public ParamUpdate Emit(GraphBuilder b, string param, string grad, IReadOnlyList<string> slots, string lr, string step)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(slots);
        var type = b.TypeOf(param);
        if (type.Elem != ElementType.Float)
            throw new ArgumentException($"{Name}: parameter '{param}' must be float, got {type}.", nameof(param));
        if (!b.TypeOf(grad).Equals(type))
            throw new ArgumentException($"{Name}: gradient '{grad}' is {b.TypeOf(grad)} but parameter '{param}' is {type}.", nameof(grad));
        if (slots.Count != SlotKinds.Count)
            throw new ArgumentException(
                $"{Name}: parameter '{param}' needs {SlotKinds.Count} slot(s) [{string.Join(", ", SlotKinds)}], got {slots.Count}.", nameof(slots));
        foreach (var s in slots)
            if (!b.TypeOf(s).Equals(type))
                throw new ArgumentException($"{Name}: slot '{s}' is {b.TypeOf(s)} but parameter '{param}' is {type}.", nameof(slots));
        foreach (var (value, what) in new[] { (lr, nameof(lr)), (step, nameof(step)) })
            if (!b.TypeOf(value).Equals(TensorType.Float()))
                throw new ArgumentException($"{Name}: {what} '{value}' must be a float scalar [], got {b.TypeOf(value)}.", what);

        string newParam = "new/" + param;
        var newSlots = slots.Select(s => "new/" + s).ToArray();
        var (keep, shared) = SharedScalars(b, lr, step);
        using (b.Scope(Name + "/" + param))
        {
            string decayed = keep.Length == 0 ? param : b.Op("Mul", [param, keep]);
            EmitStep(b, new StepValues(decayed, grad, slots, lr, step, shared, newParam, newSlots));
        }
        foreach (var v in newSlots.Prepend(newParam))
            if (!b.Graph.Types.ContainsKey(v))
                throw new InvalidOperationException($"{Name}: the update of '{param}' did not produce '{v}'.");
        return new ParamUpdate(param, grad, slots.ToArray(), newParam, newSlots);
    }

    /// <summary>
    /// Makes an optimizer by Keras name (case-insensitive) with <paramref name="options"/> over the Keras defaults.
    /// </summary>
    /// <param name="name">rmsprop, sgd, adam or adamw.</param>
    /// <param name="options">Hyperparameters; null for the Keras defaults.</param>
    /// <exception cref="ArgumentException">The name is unknown, or <paramref name="options"/> sets a hyperparameter this optimizer does not take.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of its range.</exception>
    public static Optimizer Create(string name, OptimizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var o = options ?? new OptimizerOptions();
        string key = name.Trim().ToLowerInvariant();
        string[] used = key switch
        {
            "rmsprop" => [nameof(o.Rho), nameof(o.Epsilon)],
            "sgd" => [nameof(o.Momentum), nameof(o.Nesterov)],
            "adam" or "adamw" => [nameof(o.Beta1), nameof(o.Beta2), nameof(o.Epsilon)],
            _ => throw new ArgumentException($"Unknown optimizer '{name}'. Valid optimizers: {string.Join(", ", ValidNames)}.", nameof(name)),
        };
        var set = new (string Option, bool IsSet)[]
        {
            (nameof(o.Rho), o.Rho.HasValue), (nameof(o.Epsilon), o.Epsilon.HasValue), (nameof(o.Momentum), o.Momentum.HasValue),
            (nameof(o.Nesterov), o.Nesterov.HasValue), (nameof(o.Beta1), o.Beta1.HasValue), (nameof(o.Beta2), o.Beta2.HasValue),
        };
        var unused = set.Where(s => s.IsSet && !used.Contains(s.Option)).Select(s => s.Option).ToList();
        if (unused.Count > 0)
            throw new ArgumentException(
                $"Option(s) {string.Join(", ", unused)} do not apply to {key}; it takes {string.Join(", ", used.Append(nameof(o.WeightDecay)))}.",
                nameof(options));
        Optimizer result = key switch
        {
            "rmsprop" => new RmsProp { Rho = o.Rho ?? 0.9, Epsilon = o.Epsilon ?? 1e-7 },
            "sgd" => new Sgd { Momentum = o.Momentum ?? 0, Nesterov = o.Nesterov ?? false },
            "adam" => new Adam { Beta1 = o.Beta1 ?? 0.9, Beta2 = o.Beta2 ?? 0.999, Epsilon = o.Epsilon ?? 1e-7 },
            _ => new AdamW { Beta1 = o.Beta1 ?? 0.9, Beta2 = o.Beta2 ?? 0.999, Epsilon = o.Epsilon ?? 1e-7 },
        };
        return o.WeightDecay is { } wd ? result with { WeightDecay = wd } : result;
    }

    /// <summary>The values one update reads and the names it must write.</summary>
    protected sealed record StepValues(string Param, string Grad, IReadOnlyList<string> Slots, string Lr, string Step,
        IReadOnlyList<string> Shared, string NewParam, IReadOnlyList<string> NewSlots);

    /// <summary>Emits the step proper (after weight decay), writing <c>NewParam</c> and every <c>NewSlots</c> name.</summary>
    protected abstract void EmitStep(GraphBuilder b, StepValues v);

    /// <summary>Scalars every parameter's update needs (e.g. Adam's bias-corrected rate), emitted once per graph, lr and step.</summary>
    protected virtual IReadOnlyList<string> EmitShared(GraphBuilder b, string lr, string step) => [];

    /// <summary>
    /// The weight-decay factor (1 - lr*wd, or "" without decay) and <see cref="EmitShared"/>, made on first use under the
    /// scope "&lt;name&gt;" and reused by every later parameter of the same graph with the same lr and step.
    /// </summary>
    private (string Keep, IReadOnlyList<string> Shared) SharedScalars(GraphBuilder b, string lr, string step)
    {
        var table = SharedValues.GetOrCreateValue(b.Graph);
        var key = (this, lr, step);
        if (table.TryGetValue(key, out var known) && known.Shared.Append(known.Keep).All(v => v.Length == 0 || b.Graph.Types.ContainsKey(v)))
            return known;
        using (b.Scope(Name))
        {
            // Keras decoupled weight decay, before the step: p <- p - lr*wd*p = p * (1 - lr*wd)
            string keep = WeightDecay == 0 ? ""
                : b.Op("Sub", [b.Const(1f), b.Op("Mul", [lr, C(b, WeightDecay)])], b.Fresh(b.Prefixed("decay")));
            return table[key] = (keep, EmitShared(b, lr, step).ToArray());
        }
    }

    /// <summary>A float hyperparameter as a graph constant (rounded to float once, from double).</summary>
    protected static string C(GraphBuilder b, double value) => b.Const((float)value);

    /// <summary>Returns <paramref name="value"/> when it lies in [low, high] (or [low, high) with <paramref name="openHigh"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is outside the range (also NaN); the message names <paramref name="what"/>.</exception>
    protected static double Check(double value, double low, double high, string what, bool openHigh = false) =>
        value >= low && (openHigh ? value < high : value <= high)
            ? value
            : throw new ArgumentOutOfRangeException(what, value, $"{what} must be in [{low}, {high}{(openHigh ? ")" : "]")}.");
}
