using OnnxTrainer.Models.Networks;
using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Models;
using OnnxTrainer.Training.Checkpoints;
using OnnxTrainer.Training.Fitting;

namespace OnnxTrainer.Training.Tests;

/// <summary>Same seed and data give bit-identical weights; a resumed run ends where an uninterrupted one does.</summary>
public class DeterminismAndResumeTests
{
    // mnist-convnet's conv stack with the dense256-dropout head: exercises the fed dropout masks too.
    private static readonly ModelRecipe Recipe = new() { Model = "mnist-convnet", Head = "dense256-dropout", Classes = 10 };

    private static Trainer NewTrainer(Model model, FitOptions options) =>
        new(ZooNetwork.Build(model, Weights.Initialize(model, options.Seed)), LossKind.CategoricalCrossentropy, Optimizer.Create("adam"), options, TextWriter.Null);

    private static FitOptions Options(int epochs, string? checkpoint = null) =>
        new() { Epochs = epochs, BatchSize = 50, LearningRate = 1e-3, Seed = 11, CheckpointPath = checkpoint };

    private static void AssertSameWeights(Weights expected, Weights actual)
    {
        foreach (var name in expected.Names)
            Assert.True(expected[name].Floats.AsSpan().SequenceEqual(actual[name].Floats), $"weights '{name}' differ");
    }

    [FashionFact]
    public void Same_seed_gives_bit_identical_weights_and_another_seed_does_not()
    {
        var model = Recipe.Build();
        var data = TrainingFixtures.Source(TrainingFixtures.FashionTrain(230));
        Weights Run(long seed)
        {
            using var t = NewTrainer(model, Options(2) with { Seed = seed });
            t.Fit(data, null);
            return t.CurrentWeights();
        }
        var a = Run(11);
        AssertSameWeights(a, Run(11));
        Assert.False(a["dense_1/W"].Floats.AsSpan().SequenceEqual(Run(12)["dense_1/W"].Floats));
    }

    [FashionFact]
    public void Resumed_run_ends_with_the_weights_of_an_uninterrupted_run()
    {
        var model = Recipe.Build();
        var data = TrainingFixtures.Source(TrainingFixtures.FashionTrain(230));
        var validation = TrainingFixtures.Source(TrainingFixtures.FashionTest(100));
        string dir = TrainingFixtures.TempDir();

        using var straight = NewTrainer(model, Options(3));
        straight.Fit(data, validation);

        string path = Path.Combine(dir, "ckpt.safetensors");
        using (var first = NewTrainer(model, Options(1, path))) first.Fit(data, validation); // "killed" after epoch 1
        var checkpoint = Checkpoint.Load(path);
        Assert.Equal(1, checkpoint.Epoch);
        Assert.Equal(5, checkpoint.Step); // 230 images / batch 50 = 5 steps
        Assert.Contains("adam/m/dense_1/W", checkpoint.Tensors.Keys);

        using var resumed = NewTrainer(model, Options(3, path));
        resumed.Restore(checkpoint);
        var history = resumed.Fit(data, validation);

        AssertSameWeights(straight.CurrentWeights(), resumed.CurrentWeights());
        Assert.Equal(straight.History["val_loss"], history["val_loss"]);
        Assert.Equal(3, Checkpoint.Load(path).Epoch);
    }
}
