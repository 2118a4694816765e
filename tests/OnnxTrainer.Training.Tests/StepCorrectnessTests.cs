using OnnxTrainer.Models.Networks;
using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Data;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Layers;
using OnnxTrainer.Onnx;
using OnnxTrainer.TestSupport;
using OnnxTrainer.Training.Export;
using OnnxTrainer.Training.Fitting;

namespace OnnxTrainer.Training.Tests;

/// <summary>The fused train step does what its parts promise, checked on a tiny model against independent computations.</summary>
public class StepCorrectnessTests
{
    // A tiny binary convnet on 6x6x1 images: conv, pool, dense; small enough for finite differences.
    private static Model Tiny(bool dropout = false)
    {
        var layers = new List<Layer>
        {
            new Conv2D { Name = "c", Filters = 3, Activation = Activation.Relu, Padding = Padding.Same },
            new Pooling2D { Name = "p" },
            new Flatten { Name = "f" },
        };
        if (dropout) layers.Add(new Dropout { Name = "d", Rate = 0.5f });
        layers.Add(new Dense { Name = "out", Units = 1, Activation = Activation.Sigmoid });
        return new Model("tiny", [6, 6, 1], layers);
    }

    private static ImageDataset TinyData(int count, int seed)
    {
        var rng = new SeededRandom((ulong)seed);
        var pixels = new byte[count * 36];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = rng.NextInt(2);
            for (int j = 0; j < 36; j++) pixels[i * 36 + j] = (byte)(rng.NextInt(128) + (labels[i] == 1 && j % 6 < 3 ? 127 : 0));
        }
        return new ImageDataset(pixels, 1, 6, 6, labels, ["a", "b"]);
    }

    [Fact]
    public void One_sgd_step_moves_each_weight_by_lr_times_the_finite_difference_gradient()
    {
        var model = Tiny();
        var weights = Weights.Initialize(model, 5);
        var data = TinyData(8, 1);
        const float lr = 0.5f;
        var options = new FitOptions { Epochs = 1, BatchSize = 8, LearningRate = lr, Shuffle = false };
        using var trainer = new Trainer(ZooNetwork.Build(model, weights), LossKind.BinaryCrossentropy, Optimizer.Create("sgd"), options, TextWriter.Null);
        trainer.Fit(new DatasetSource(data), null);
        var after = trainer.CurrentWeights();

        // The loss as a function of the weights, evaluated by an independent forward graph in ONNX Runtime.
        double Loss(Weights w)
        {
            var g = ForwardGraph.Build(model, w, training: false).Graph;
            var x = new float[8 * 36];
            data.FillImages([0, 1, 2, 3, 4, 5, 6, 7], x, scale: 1f);
            var p = OrtRunner.RunOnce(g, Tensor.FromFloats("input", x, 8, 1, 6, 6))["output"].Floats;
            double sum = 0;
            for (int i = 0; i < 8; i++) sum -= data.Labels[i] == 1 ? Math.Log(p[i]) : Math.Log(1 - p[i]);
            return sum / 8;
        }
        var rng = new SeededRandom(3);
        foreach (var name in new[] { "c/W", "c/B", "out/W", "out/B" })
        {
            var t = weights[name];
            for (int trial = 0; trial < 3; trial++)
            {
                int k = rng.NextInt((int)t.ElementCount);
                const float h = 2e-3f;
                Weights Shift(float delta)
                {
                    var w = new Weights();
                    foreach (var n in weights.Names) w.Set(weights[n]);
                    var d = (float[])t.Floats.Clone();
                    d[k] += delta;
                    w.Set(Tensor.FromFloats(name, d, t.Dims));
                    return w;
                }
                double fd = (Loss(Shift(h)) - Loss(Shift(-h))) / (2 * h);
                double moved = (t.Floats[k] - after[name].Floats[k]) / lr;
                Assert.True(Math.Abs(fd - moved) <= 2e-3 + 2e-2 * Math.Abs(fd), $"{name}[{k}]: step implies gradient {moved}, finite differences give {fd}");
            }
        }
    }

    [Fact]
    public void Exported_model_predicts_what_the_eval_step_computes()
    {
        var model = Tiny(dropout: true);
        var data = TinyData(40, 2);
        var options = new FitOptions { Epochs = 2, BatchSize = 10, LearningRate = 1e-2 };
        using var trainer = new Trainer(ZooNetwork.Build(model, Weights.Initialize(model, 1)), LossKind.BinaryCrossentropy, Optimizer.Create("rmsprop"), options, TextWriter.Null);
        trainer.Fit(new DatasetSource(data), null);
        var exported = Exporter.Build(trainer.Network with { ClassNames = data.ClassNames });
        Assert.DoesNotContain(exported.Nodes, n => n.OpType == "Mul" && n.Inputs.Any(i => i.EndsWith("/mask", StringComparison.Ordinal)));
        Assert.Equal("[\"a\",\"b\"]", exported.Metadata["onnx_trainer.class_names"]);
        Assert.Equal("sigmoid", exported.Metadata["onnx_trainer.output_activation"]);

        var x = new float[10 * 36];
        int[] idx = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        data.FillImages(idx, x, scale: 1f);
        var predicted = OrtRunner.RunOnce(OnnxModel.FromBytes(OnnxModel.ToBytes(exported)), Tensor.FromFloats("input", x, 10, 1, 6, 6))["output"].Floats;
        // The eval step's loss on the same batch, recomputed from the exported predictions (clipped BCE).
        double expectedLoss = 0;
        for (int i = 0; i < 10; i++) expectedLoss -= data.Labels[i] == 1 ? Math.Log(predicted[i]) : Math.Log(1 - predicted[i]);
        expectedLoss /= 10;
        var (evalLoss, _) = trainer.Evaluate(new DatasetSource(data.Slice(0, 10)));
        Assert.Equal(expectedLoss, evalLoss, 4);
    }

    [Fact]
    public void Nan_loss_stops_with_epoch_and_step_and_keeps_the_last_good_checkpoint()
    {
        var model = Tiny();
        var data = TinyData(40, 2);
        string dir = TrainingFixtures.TempDir();
        string path = Path.Combine(dir, "ckpt.safetensors");
        var options = new FitOptions { Epochs = 1, BatchSize = 10, LearningRate = 1e-3, CheckpointPath = path };
        using (var t = new Trainer(ZooNetwork.Build(model, Weights.Initialize(model, 1)), LossKind.BinaryCrossentropy, Optimizer.Create("sgd"), options, TextWriter.Null))
            t.Fit(new DatasetSource(data), null);
        byte[] good = File.ReadAllBytes(path);

        var huge = options with { Epochs = 3, LearningRate = 1e30 };
        using var diverging = new Trainer(ZooNetwork.Build(model, Weights.Initialize(model, 1)), LossKind.BinaryCrossentropy, Optimizer.Create("sgd"), huge, TextWriter.Null);
        diverging.Restore(Checkpoints.Checkpoint.Load(path));
        var e = Assert.Throws<TrainingDivergedException>(() => diverging.Fit(new DatasetSource(data), null));
        Assert.Matches(@"at epoch 2, step \d+", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Equal(good, File.ReadAllBytes(path));
    }

    [Fact]
    public void Labels_out_of_range_and_wrong_shapes_give_clear_errors()
    {
        var model = Tiny();
        var threeClasses = new ImageDataset(new byte[3 * 36], 1, 6, 6, [0, 1, 2], ["a", "b", "c"]);
        using var trainer = new Trainer(ZooNetwork.Build(model, Weights.Initialize(model, 1)), LossKind.BinaryCrossentropy, Optimizer.Create("sgd"),
            new FitOptions { Epochs = 1, BatchSize = 3 }, TextWriter.Null);
        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(new DatasetSource(threeClasses), null));
        Assert.Contains("Example 2 of model 'tiny': Label 2 is out of range", e.Message);

        var wrongShape = new ImageDataset(new byte[2 * 64], 1, 8, 8, [0, 1], ["a", "b"]);
        e = Assert.Throws<ArgumentException>(() => trainer.Fit(new DatasetSource(wrongShape), null));
        Assert.Contains("(C,H,W) = (1,8,8)", e.Message);
        Assert.Contains("expects (1,6,6)", e.Message);
    }
}
