using OnnxTrainer.Models.Layers;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Models;

/// <summary>Weight tensors by parameter name, in the model's order.</summary>
public sealed class Weights
{
    private readonly Dictionary<string, Tensor> _byName = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public IReadOnlyList<string> Names => _order;

    public int Count => _order.Count;

    public Tensor this[string name] =>
        _byName.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"No weight named '{name}'.");

    public bool Contains(string name) => _byName.ContainsKey(name);

    public IEnumerable<Tensor> All => _order.Select(n => _byName[n]);

    public void Set(Tensor tensor)
    {
        if (!_byName.ContainsKey(tensor.Name)) _order.Add(tensor.Name);
        _byName[tensor.Name] = tensor;
    }

    /// <summary>
    /// Keras defaults: glorot_uniform kernels (U(-l, l), l = sqrt(6 / (fan_in + fan_out))), zero biases, batch-norm
    /// gamma and moving variance one. Each tensor has its own stream derived from the seed and its name, so a
    /// tensor's values do not depend on which other layers the model has.
    /// </summary>
    public static Weights Initialize(Model model, long seed)
    {
        var w = new Weights();
        foreach (var p in model.AllParams)
        {
            if (p.Count > Array.MaxLength)
                throw new ModelException($"Model '{model.Name}': parameter '{p.Name}' would hold {p.Count:N0} values; one tensor holds at most {Array.MaxLength:N0}.");
            w.Set(InitialValue(p, seed));
        }
        return w;
    }

    /// <summary>One parameter's initial value (see <see cref="Initialize"/>): its own stream from the seed and its name.</summary>
    public static Tensor InitialValue(ParamSpec p, long seed)
    {
        var data = new float[p.Count];
        switch (p.Init)
        {
            case ParamInit.Ones:
                Array.Fill(data, 1f);
                break;
            case ParamInit.GlorotUniform:
            {
                var (fanIn, fanOut) = p.Fans;
                double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
                var rng = SeededRandom.For(seed, p.Name);
                for (int i = 0; i < data.Length; i++) data[i] = (float)((rng.NextDouble() * 2 - 1) * limit);
                break;
            }
        }
        return Tensor.FromFloats(p.Name, data, p.Dims);
    }

    /// <summary>Checks that these weights fit <paramref name="model"/> exactly: every tensor present with its shape, nothing extra.</summary>
    public void CheckFits(Model model, string source)
    {
        var problems = new List<string>();
        var expected = model.AllParams.ToDictionary(p => p.Name);
        foreach (var p in expected.Values)
        {
            if (!_byName.TryGetValue(p.Name, out var t)) problems.Add($"missing {p.Name} [{string.Join(",", p.Dims)}]");
            else if (!t.Dims.SequenceEqual(p.Dims)) problems.Add($"{p.Name} is [{string.Join(",", t.Dims)}], expected [{string.Join(",", p.Dims)}]");
        }
        foreach (var n in _order.Where(n => !expected.ContainsKey(n))) problems.Add($"unexpected {n}");
        if (problems.Count > 0)
            throw new ModelException($"Weights from '{source}' do not fit model '{model.Name}': {string.Join("; ", problems)}.");
    }
}
