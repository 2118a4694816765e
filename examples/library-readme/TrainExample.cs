using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Autodiff.Steps;
using OnnxTrainer.Data;
using OnnxTrainer.Models;
using OnnxTrainer.Training.Export;
using OnnxTrainer.Training.Fitting;

namespace OnnxTrainer.Examples;

public static class TrainExample
{
    /// <summary>Trains mnist-convnet with a dense256 head for one epoch on Fashion-MNIST, exports it and returns the test accuracy.</summary>
    public static double Run(string modelPath, int? stepsPerEpoch = null)
    {
        Model model = Zoo.Build("mnist-convnet", new ZooOptions { Head = "dense256", Classes = 10 });
        var (train, _, test) = DataSpec.Parse("fashion-mnist").Open(new SourceOptions { Input = (28, 28, 1) }, Console.Out);

        var fit = new FitOptions { Epochs = 1, BatchSize = 64, LearningRate = 1e-3, StepsPerEpoch = stepsPerEpoch };
        using var trainer = new Trainer(model, Weights.Initialize(model, seed: 1), Targets.DefaultLoss(model),
            Optimizer.Create("rmsprop"), fit, Console.Out);
        trainer.Fit(train, validation: null);

        Exporter.Save(model, trainer.CurrentWeights(), ExportInfo.For(model, train.ClassNames), modelPath);
        return trainer.Evaluate(test!, steps: stepsPerEpoch).Acc;
    }
}
