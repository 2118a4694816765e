using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Autodiff.Steps;
using OnnxTrainer.Data;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Networks;
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
        Network network = ZooNetwork.Initialize(model, seed: 1) with { ClassNames = train.ClassNames };

        var fit = new FitOptions { Epochs = 1, BatchSize = 64, LearningRate = 1e-3, StepsPerEpoch = stepsPerEpoch };
        using var trainer = new Trainer(network, Targets.DefaultLoss(network), Optimizer.Create("rmsprop"), fit, Console.Out);
        trainer.Fit(train, validation: null);

        Exporter.Save(trainer.Network, modelPath);
        return trainer.Evaluate(test!, steps: stepsPerEpoch).Acc;
    }
}
