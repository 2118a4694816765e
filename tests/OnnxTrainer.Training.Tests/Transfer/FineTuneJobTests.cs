using OnnxTrainer.Models.Networks;
using OnnxTrainer.Models;
using OnnxTrainer.Training.Fitting;
using OnnxTrainer.Training.Import;
using OnnxTrainer.Training.Jobs;
using OnnxTrainer.Training.Transfer;

namespace OnnxTrainer.Training.Tests.Transfer;

/// <summary>Listings 5.20-5.23 as one command: the head on the frozen base, then fine-tuning from a named layer.</summary>
public class FineTuneJobTests
{
    [FashionFact]
    public void Phase_one_trains_only_the_head_and_phase_two_also_the_layers_from_trainable_from()
    {
        string dir = TrainingFixtures.TempDir();
        var pretrainedModel = Zoo.Build("mnist-convnet", new ZooOptions());
        var pretrained = Weights.Initialize(pretrainedModel, seed: 12);
        string weightsPath = Path.Combine(dir, "pretrained.safetensors");
        WeightFiles.Save(pretrained, Preprocessing.Rescale, weightsPath);
        var request = new TrainRequest
        {
            Recipe = new ModelRecipe { Model = "mnist-convnet", Head = "dense256", TrainableFrom = "conv2d_3" },
            Data = "fashion-mnist",
            WeightsPath = weightsPath,
            OutDir = Path.Combine(dir, "run"),
            Fit = new FitOptions { Epochs = 1, BatchSize = 8, StepsPerEpoch = 3, LearningRate = 1e-3, Seed = 2 },
        };
        var log = new StringWriter();

        var result = TransferJob.Run(request, new TransferRequest { FineTuneEpochs = 1, FineTuneLearningRate = 1e-4 }, log);

        var model = Zoo.Build("mnist-convnet", new ZooOptions { Head = "dense256", Classes = 10 });
        var head = WeightFiles.Load(Path.Combine(dir, "run", TransferJob.HeadFolder, TrainJob.ModelFile), ZooNetwork.Initialize(model, 1), seed: 1).Weights;
        var tuned = WeightFiles.Load(result.ModelPath, ZooNetwork.Initialize(model, 1), seed: 1).Weights;
        var fresh = Weights.Initialize(model, seed: 2);
        foreach (var conv in new[] { "conv2d_1/W", "conv2d_2/W", "conv2d_3/W", "conv2d_3/B" })
            Assert.Equal(pretrained[conv].Floats, head[conv].Floats); // phase 1: the base is frozen
        Assert.NotEqual(fresh["dense_1/W"].Floats, head["dense_1/W"].Floats); // ... and the head trained from its seed
        Assert.Equal(pretrained["conv2d_2/W"].Floats, tuned["conv2d_2/W"].Floats); // phase 2: below conv2d_3 stays frozen
        Assert.NotEqual(pretrained["conv2d_3/W"].Floats, tuned["conv2d_3/W"].Floats); // conv2d_3 trains
        Assert.NotEqual(head["dense_2/W"].Floats, tuned["dense_2/W"].Floats);
        string text = log.ToString();
        Assert.Contains("Phase 1: train the head on the frozen base (1 epochs, lr 0.001)", text);
        Assert.Contains("Phase 2: fine-tune from conv2d_3 (1 epochs, lr 0.0001)", text);
        Assert.Contains($"Weights: 10 tensors from {Path.Combine(dir, "run", TransferJob.HeadFolder, TrainJob.ModelFile)}", text);
        Assert.Equal([1e-4], result.History["lr"].Select(v => Math.Round(v, 8)));

        // --resume with more fine-tuning epochs continues phase 2 from its checkpoint; phase 1 is done and stays.
        var headWritten = File.GetLastWriteTimeUtc(Path.Combine(dir, "run", TransferJob.HeadFolder, TrainJob.ModelFile));
        var resumedLog = new StringWriter();
        var resumed = TransferJob.Run(request with { Resume = true }, new TransferRequest { FineTuneEpochs = 2, FineTuneLearningRate = 1e-4 }, resumedLog);
        Assert.DoesNotContain("Phase 1", resumedLog.ToString());
        Assert.Contains("Resuming after epoch 1", resumedLog.ToString());
        Assert.Equal(2, resumed.History["loss"].Count);
        Assert.Equal(result.History["loss"][0], resumed.History["loss"][0]);
        Assert.Equal(headWritten, File.GetLastWriteTimeUtc(Path.Combine(dir, "run", TransferJob.HeadFolder, TrainJob.ModelFile)));
    }

    [Fact]
    public void Fine_tuning_needs_a_layer_to_unfreeze_and_a_head()
    {
        var request = new TrainRequest { Recipe = new ModelRecipe { Model = "mnist-convnet", Head = "dense256" }, Data = "fashion-mnist", OutDir = TrainingFixtures.TempDir() };
        var e = Assert.Throws<ArgumentException>(() => TransferJob.Run(request, new TransferRequest { FineTuneEpochs = 2 }, TextWriter.Null));
        Assert.Contains("--fine-tune-epochs needs --trainable-from LAYER", e.Message);
        request = request with { Recipe = new ModelRecipe { Model = "mnist-convnet", TrainableFrom = "conv2d_3" } };
        e = Assert.Throws<ArgumentException>(() => TransferJob.Run(request, new TransferRequest { FineTuneEpochs = 2 }, TextWriter.Null));
        Assert.Contains("needs a base with a head", e.Message);
    }
}
