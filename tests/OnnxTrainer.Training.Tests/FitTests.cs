using OnnxTrainer.Models.Networks;
using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Models;
using OnnxTrainer.Training.Fitting;

namespace OnnxTrainer.Training.Tests;

public class FitTests
{
    private static Trainer MnistTrainer(FitOptions options, string optimizer = "rmsprop", string? head = null, int classes = 10)
    {
        var model = Zoo.Build("mnist-convnet", new ZooOptions { Head = head, Classes = head is null ? null : classes });
        return new Trainer(ZooNetwork.Build(model, Weights.Initialize(model, options.Seed)), LossKind.CategoricalCrossentropy,
            Optimizer.Create(optimizer), options, TextWriter.Null);
    }

    [FashionFact]
    public void Listing_5_3_recipe_learns_fashion_mnist_above_floor()
    {
        // 3,000 training images, 2 epochs of RMSprop 1e-3 at batch 64: a real, short run.
        var options = new FitOptions { Epochs = 2, BatchSize = 64, LearningRate = 1e-3, Seed = 3 };
        using var trainer = MnistTrainer(options);
        var history = trainer.Fit(TrainingFixtures.Source(TrainingFixtures.FashionTrain(3000)), TrainingFixtures.Source(TrainingFixtures.FashionTest(1000)));
        Assert.Equal(2, history["loss"].Count);
        Assert.True(history["loss"][1] < history["loss"][0], $"loss did not fall: {string.Join(", ", history["loss"])}");
        var (_, acc) = trainer.Evaluate(TrainingFixtures.Source(TrainingFixtures.FashionTest(1000)));
        Assert.True(acc > 0.70, $"test accuracy {acc:0.000} is below the 0.70 floor for 3,000 images x 2 epochs");
        Assert.Equal(acc, history["val_acc"][1], 6);
    }
}
