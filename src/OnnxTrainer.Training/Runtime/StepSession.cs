using OnnxTrainer.Runtime;
using Microsoft.ML.OnnxRuntime;
using OnnxTrainer.Autodiff.Steps;
using OnnxTrainer.Onnx;

namespace OnnxTrainer.Training.Runtime;

/// <summary>
/// Runs train and eval steps in ONNX Runtime: one Run per step with everything bound in advance (IOBinding).
/// The caller fills <see cref="Input"/>, <see cref="TargetFloats"/> or <see cref="TargetLabels"/> and the dropout
/// <see cref="Masks"/> for the first <c>batch</c> examples, then calls <see cref="Train"/> or <see cref="Evaluate"/>.
/// </summary>
public sealed class StepSession : IDisposable
{
    private readonly InferenceSession _train;
    private readonly InferenceSession _eval;
    private readonly CarriedTensors _carried;
    private readonly OrtIoBinding[] _trainBindings;
    private readonly OrtIoBinding _evalBinding;
    private readonly RunOptions _run = new();
    private readonly TrainStepGraph _step;
    private readonly EvalStepGraph _evalGraph;
    private readonly float[] _lr = new float[1], _stepNumber = new float[1], _loss = new float[1], _acc = new float[1];
    private readonly OrtValue _lrValue, _stepValue, _lossValue, _accValue;
    private readonly Dictionary<int, BatchValues> _batchValues = new();
    private readonly long[] _inputDims, _targetDims;
    private readonly bool _sparseTargets;
    private int _boundTrainBatch = -1;
    private int _boundEvalBatch = -1;

    public StepSession(TrainStepGraph step, EvalStepGraph eval, IReadOnlyDictionary<string, Tensor> initial, int maxBatch,
        ExecutionDevice device = ExecutionDevice.Cpu, int threads = 0)
    {
        _step = step;
        _evalGraph = eval;
        MaxBatch = maxBatch;
        using (var options = ExecutionDevices.CreateSessionOptions(device, threads))
        {
            _train = new InferenceSession(OnnxModel.ToBytes(step.Graph), options);
            _eval = new InferenceSession(OnnxModel.ToBytes(eval.Graph), options);
        }
        OrtAllocator? allocator = device == ExecutionDevice.Cuda ? new OrtAllocator(_train, ExecutionDevices.Memory(device)) : null;
        var carried = step.Carried.ToList();
        _carried = new CarriedTensors(carried.Select(c => c.Value).ToList(), carried.Select(c => step.Graph.TypeOf(c.Value).Dims).ToList(),
            device, allocator);
        _carried.Load(initial);

        _inputDims = step.Graph.TypeOf(step.Network.Input.Name).Dims[1..];
        var targetType = step.Graph.TypeOf(TrainStepGraph.Target);
        _targetDims = targetType.Dims[1..];
        _sparseTargets = targetType.Elem == ElementType.Int64;
        Input = new float[maxBatch * Shapes.Product(_inputDims)];
        TargetWidth = (int)Shapes.Product(_targetDims);
        if (_sparseTargets) TargetLabels = new long[maxBatch];
        else TargetFloats = new float[maxBatch * TargetWidth];
        Masks = step.Masks.Select(m => new float[maxBatch * Shapes.Product(m.Dims[1..])]).ToArray();
        Output = new float[maxBatch * Shapes.Product(eval.Graph.TypeOf(step.Network.Output).Dims[1..])];

        _lrValue = OrtValue.CreateTensorValueFromMemory(_lr, []);
        _stepValue = OrtValue.CreateTensorValueFromMemory(_stepNumber, []);
        _lossValue = OrtValue.CreateTensorValueFromMemory(_loss, []);
        _accValue = OrtValue.CreateTensorValueFromMemory(_acc, []);

        _trainBindings = new OrtIoBinding[2];
        for (int s = 0; s < 2; s++)
        {
            var binding = _train.CreateIoBinding();
            var reads = _carried.Set(s);
            var writes = _carried.Set(1 - s);
            for (int i = 0; i < carried.Count; i++)
            {
                binding.BindInput(carried[i].Value, reads[i]);
                binding.BindOutput(carried[i].NewValue, writes[i]);
            }
            binding.BindInput(TrainStepGraph.LearningRate, _lrValue);
            binding.BindInput(TrainStepGraph.Step, _stepValue);
            binding.BindOutput(TrainStepGraph.LossOutput, _lossValue);
            binding.BindOutput(TrainStepGraph.MetricOutput, _accValue);
            _trainBindings[s] = binding;
        }
        _evalBinding = _eval.CreateIoBinding();
        _evalBinding.BindOutput(TrainStepGraph.LossOutput, _lossValue);
        _evalBinding.BindOutput(TrainStepGraph.MetricOutput, _accValue);
    }

    public int MaxBatch { get; }

    /// <summary>Batch images, NCHW, for up to <see cref="MaxBatch"/> examples.</summary>
    public float[] Input { get; }

    /// <summary>Float targets (binary [N,1], one-hot [N,K]); null for sparse labels.</summary>
    public float[]? TargetFloats { get; }

    /// <summary>Int64 class labels for sparse categorical crossentropy; null otherwise.</summary>
    public long[]? TargetLabels { get; }

    public int TargetWidth { get; }

    /// <summary>One buffer per dropout layer (<see cref="TrainStepGraph.Masks"/> order).</summary>
    public float[][] Masks { get; }

    /// <summary>Probabilities written by <see cref="Evaluate"/>.</summary>
    public float[] Output { get; }

    /// <summary>One training step on the first <paramref name="batch"/> examples; returns the batch loss and metric.</summary>
    public (float Loss, float Acc) Train(int batch, float learningRate, long step)
    {
        CheckBatch(batch);
        if (batch != _boundTrainBatch)
        {
            var values = ValuesFor(batch);
            foreach (var binding in _trainBindings)
            {
                binding.BindInput(_step.Network.Input.Name, values.Input);
                binding.BindInput(TrainStepGraph.Target, values.Target);
                for (int m = 0; m < values.Masks.Length; m++) binding.BindInput(_step.Masks[m].Input, values.Masks[m]);
            }
            _boundTrainBatch = batch;
        }
        _lr[0] = learningRate;
        _stepNumber[0] = step;
        _train.RunWithBinding(_run, _trainBindings[_carried.Current]);
        _carried.Swap();
        return (_loss[0], _acc[0]);
    }

    /// <summary>Loss, metric and probabilities (into <see cref="Output"/>) for the first <paramref name="batch"/> examples, without dropout.</summary>
    public (float Loss, float Acc) Evaluate(int batch)
    {
        CheckBatch(batch);
        var values = ValuesFor(batch);
        if (batch != _boundEvalBatch)
        {
            _evalBinding.BindInput(_step.Network.Input.Name, values.Input);
            _evalBinding.BindInput(TrainStepGraph.Target, values.Target);
            _evalBinding.BindOutput(_step.Network.Output, values.Output);
            _boundEvalBatch = batch;
        }
        var current = _carried.Set(_carried.Current);
        for (int i = 0; i < _carried.Names.Count; i++)
            if (_evalGraph.CarriedInputs.Contains(_carried.Names[i]))
                _evalBinding.BindInput(_carried.Names[i], current[i]);
        _eval.RunWithBinding(_run, _evalBinding);
        return (_loss[0], _acc[0]);
    }

    /// <summary>Current parameters, optimizer slots and states, copied out.</summary>
    public Dictionary<string, Tensor> ReadCarried() => _carried.Read();

    /// <summary>Replaces the current carried values (resume from a checkpoint).</summary>
    public void LoadCarried(IReadOnlyDictionary<string, Tensor> values) => _carried.Load(values);

    public void Dispose()
    {
        foreach (var b in _trainBindings) b.Dispose();
        _evalBinding.Dispose();
        foreach (var v in _batchValues.Values) v.Dispose();
        _carried.Dispose();
        _lrValue.Dispose();
        _stepValue.Dispose();
        _lossValue.Dispose();
        _accValue.Dispose();
        _run.Dispose();
        _train.Dispose();
        _eval.Dispose();
    }

    private void CheckBatch(int batch)
    {
        if (batch < 1 || batch > MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"Batch size must be between 1 and {MaxBatch}.");
    }

    private BatchValues ValuesFor(int batch)
    {
        if (_batchValues.TryGetValue(batch, out var v)) return v;
        OrtValue Wrap<T>(T[] buffer, long[] exampleDims) where T : unmanaged =>
            OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                new Memory<T>(buffer, 0, (int)(batch * Shapes.Product(exampleDims))), [batch, .. exampleDims]);
        var masks = _step.Masks.Select((m, i) => Wrap(Masks[i], m.Dims[1..])).ToArray();
        var outputDims = _evalGraph.Graph.TypeOf(_step.Network.Output).Dims[1..];
        v = new BatchValues(
            Wrap(Input, _inputDims),
            _sparseTargets ? Wrap(TargetLabels!, _targetDims) : Wrap(TargetFloats!, _targetDims),
            masks,
            Wrap(Output, outputDims));
        _batchValues[batch] = v;
        return v;
    }

    private sealed record BatchValues(OrtValue Input, OrtValue Target, OrtValue[] Masks, OrtValue Output) : IDisposable
    {
        public void Dispose()
        {
            Input.Dispose();
            Target.Dispose();
            Output.Dispose();
            foreach (var m in Masks) m.Dispose();
        }
    }
}
