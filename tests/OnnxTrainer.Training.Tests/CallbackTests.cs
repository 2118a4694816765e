using OnnxTrainer.Models.Networks;
using OnnxTrainer.Autodiff.Losses;
using OnnxTrainer.Autodiff.Optimizers;
using OnnxTrainer.Data;
using OnnxTrainer.Models;
using OnnxTrainer.Models.Layers;
using OnnxTrainer.Training.Fitting;

namespace OnnxTrainer.Training.Tests;

/// <summary>EarlyStopping, ModelCheckpoint and learning-rate schedules behave as their Keras namesakes.</summary>
public class CallbackTests
{
    private static readonly Model Tiny = new("tiny", [4, 4, 1],
        [new Flatten { Name = "f" }, new Dense { Name = "out", Units = 1, Activation = Activation.Sigmoid }]);

    private static DatasetSource Data()
    {
        var pixels = new byte[20 * 16];
        var labels = new int[20];
        for (int i = 0; i < 20; i++)
        {
            labels[i] = i % 2;
            for (int j = 0; j < 16; j++) pixels[i * 16 + j] = (byte)(labels[i] == 1 ? 200 + j : 10 + j);
        }
        return new DatasetSource(new ImageDataset(pixels, 1, 4, 4, labels, ["a", "b"]));
    }

    private static History Fit(FitOptions options, TextWriter? log = null)
    {
        using var t = new Trainer(ZooNetwork.Build(Tiny, Weights.Initialize(Tiny, 1)), LossKind.BinaryCrossentropy, Optimizer.Create("sgd"), options, log ?? TextWriter.Null);
        return t.Fit(Data(), Data());
    }

    [Fact]
    public void Early_stopping_ends_the_run_after_patience_epochs_without_improvement()
    {
        // A learning rate too small to change float32 weights: val_loss never improves after epoch 1.
        var frozen = Fit(new FitOptions { Epochs = 10, BatchSize = 10, LearningRate = 1e-30, EarlyStopping = new EarlyStopping("val_loss", Patience: 2) });
        Assert.Equal(4, frozen.Epochs); // epoch 1 sets the best; epochs 2, 3, 4 do not improve; 3 > patience 2 stops.
        var learning = Fit(new FitOptions { Epochs = 4, BatchSize = 10, LearningRate = 0.5, EarlyStopping = new EarlyStopping("val_loss", Patience: 0) });
        Assert.Equal(4, learning.Epochs);
        Assert.True(learning["val_loss"][3] < learning["val_loss"][0]);
    }

    [Fact]
    public void Model_checkpoint_saves_only_when_the_monitored_value_improves()
    {
        string path = Path.Combine(TrainingFixtures.TempDir(), "best.onnx");
        var log = new StringWriter();
        Fit(new FitOptions { Epochs = 3, BatchSize = 10, LearningRate = 1e-30, ModelCheckpoint = new ModelCheckpoint(path, "val_loss") }, log);
        Assert.True(File.Exists(path));
        Assert.Equal(1, log.ToString().Split('\n').Count(l => l.Contains("model saved to", StringComparison.Ordinal)));

        var improving = new StringWriter();
        Fit(new FitOptions { Epochs = 3, BatchSize = 10, LearningRate = 0.5, ModelCheckpoint = new ModelCheckpoint(path, "val_acc") with { SaveBestOnly = false } }, improving);
        Assert.Equal(3, improving.ToString().Split('\n').Count(l => l.Contains("model saved to", StringComparison.Ordinal)));
    }

    [Fact]
    public void Learning_rate_schedule_feeds_a_new_rate_each_epoch_without_a_new_graph()
    {
        var h = Fit(new FitOptions { Epochs = 3, BatchSize = 10, LearningRate = 1e-2, Schedule = LearningRateSchedule.Parse("step:1:0.5") });
        Assert.Equal([1e-2, 5e-3, 2.5e-3], h["lr"].Select(v => Math.Round(v, 9)).ToArray());
        Assert.Equal(0.5 * 1e-2 * (1 + Math.Cos(Math.PI / 3)), LearningRateSchedule.Parse("cosine").At(1e-2, 1, 3), 12);
        Assert.Throws<ArgumentException>(() => LearningRateSchedule.Parse("step:0:0.5"));
    }

    [Fact]
    public void Plain_progress_prints_quarters_and_a_keras_epoch_line()
    {
        var log = new StringWriter { NewLine = "\n" };
        var bar = new ProgressBar(log, interactive: false);
        bar.StartEpoch(1, 5, 8);
        for (int s = 1; s <= 8; s++) bar.Update(s, 0.5, 0.75);
        bar.EndEpoch([("loss", 0.5), ("acc", 0.75), ("val_loss", 0.25), ("val_acc", 0.875)]);
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Epoch 1/5", lines[0]);
        Assert.Equal("2/8 [=======>......................] - loss: 0.5000 - acc: 0.7500", lines[1]);
        Assert.Equal(5, lines.Length); // header, quarters at 2, 4, 6, and the closing line
        Assert.Matches(@"^8/8 \[==============================\] - \d+s \d+ms/step - loss: 0.5000 - acc: 0.7500 - val_loss: 0.2500 - val_acc: 0.8750$", lines[4]);
    }
}
