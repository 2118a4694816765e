using OnnxTrainer.Onnx;
using OnnxTrainer.Data.Augmentation;

namespace OnnxTrainer.Data.Tests.Augmentation;

public sealed class AugmentedSourceTests
{
    private const int C = 3, H = 12, W = 16, Per = C * H * W;

    private static DatasetSource Images(int count)
    {
        var rng = new SeededRandom(21);
        var pixels = Enumerable.Range(0, count * Per).Select(_ => (byte)rng.NextInt(256)).ToArray();
        return new DatasetSource(new ImageDataset(pixels, C, H, W, Enumerable.Range(0, count).Select(i => i % 2).ToArray(), ["a", "b"]));
    }

    private static float[] Fill(IExampleSource source, int[] indices, long? seed)
    {
        var dst = new float[indices.Length * Per];
        source.FillImages(indices, dst, seed);
        return dst;
    }

    [Fact]
    public void WithoutASeedImagesPassThroughUnchanged()
    {
        var inner = Images(4);
        var augmented = new AugmentedSource(inner, AugmentOptions.Listing514);
        int[] indices = [3, 1, 2];
        Assert.Equal(Fill(inner, indices, null), Fill(augmented, indices, null));
        Assert.NotEqual(Fill(inner, indices, null), Fill(augmented, indices, 7));
    }

    [Fact]
    public void FlipOnlyAugmentationMirrorsSomeImagesExactlyAndLeavesTheOthers()
    {
        var inner = Images(1);
        var augmented = new AugmentedSource(inner, new AugmentOptions { HorizontalFlip = true });
        var plain = Fill(inner, [0], null);
        var batch = Fill(augmented, new int[32], seed: 5);
        int flipped = 0;
        for (int k = 0; k < 32; k++)
        {
            var image = batch.AsSpan(k * Per, Per).ToArray();
            bool mirrored = augmented.TransformAt(5, k).FlipHorizontal;
            flipped += mirrored ? 1 : 0;
            for (int i = 0; i < Per; i++)
            {
                int x = i % W, rest = i - x;
                Assert.Equal(plain[mirrored ? rest + W - 1 - x : i], image[i]);
            }
        }
        Assert.InRange(flipped, 8, 24); // each flips with probability 1/2
    }

    [Fact]
    public void TheSameSeedGivesTheSameBatchWhateverTheThreadCount()
    {
        var inner = Images(6);
        int[] indices = [5, 0, 3, 3, 1];
        var one = Fill(new AugmentedSource(inner, AugmentOptions.Listing514, workers: 1), indices, 42);
        var four = Fill(new AugmentedSource(inner, AugmentOptions.Listing514, workers: 4), indices, 42);
        Assert.Equal(one, four);
        Assert.NotEqual(one, Fill(new AugmentedSource(inner, AugmentOptions.Listing514), indices, 43));
        // Two copies of image 3 in one batch get different transforms (each position has its own stream).
        Assert.NotEqual(one.AsSpan(2 * Per, Per).ToArray(), one.AsSpan(3 * Per, Per).ToArray());
    }

    [Fact]
    public void DrawsStayInsideListing514sRanges()
    {
        var rng = new SeededRandom(1);
        var draws = Enumerable.Range(0, 500).Select(_ => RandomTransform.Draw(AugmentOptions.Listing514, rng, 150, 150)).ToArray();
        Assert.All(draws, d =>
        {
            Assert.InRange(d.Theta, -40, 40);
            Assert.InRange(d.Tx, -30, 30);
            Assert.InRange(d.Ty, -30, 30);
            Assert.InRange(d.Shear, -0.2, 0.2);
            Assert.InRange(d.Zx, 0.8, 1.2);
            Assert.InRange(d.Zy, 0.8, 1.2);
            Assert.False(d.FlipVertical);
        });
        Assert.True(draws.Max(d => d.Theta) > 35 && draws.Min(d => d.Theta) < -35);
        Assert.NotEqual(draws.Select(d => d.Zx), draws.Select(d => d.Zy)); // zoomed independently along rows and columns
    }

    [Theory]
    [InlineData("rotation_range=40,width_shift_range=0.2,height_shift_range=0.2,shear_range=0.2,zoom_range=0.2,horizontal_flip=true,fill_mode=nearest")]
    [InlineData("listing-5.14")]
    [InlineData("rotation_range=40, width_shift_range=0.2, height_shift_range=0.2, shear_range=0.2, zoom_range=[0.8,1.2], horizontal_flip=True")]
    public void ParsesListing514InEveryForm(string text) => Assert.Equal(AugmentOptions.Listing514, AugmentOptions.Parse(text));

    [Fact]
    public void ParsesEveryParameterAndRoundTrips()
    {
        var o = AugmentOptions.Parse("listing-5.14,vertical_flip=true,zoom_range=0.5:1.5,fill_mode=constant,cval=128");
        Assert.True(o.VerticalFlip);
        Assert.Equal((0.5, 1.5), o.ZoomRange);
        Assert.Equal(FillMode.Constant, o.FillMode);
        Assert.Equal(128, o.Cval);
        Assert.Equal(40, o.RotationRange);
        Assert.Equal(o, AugmentOptions.Parse(o.ToString()));
    }

    [Theory]
    [InlineData("rotate=40", "unknown parameter 'rotate'")]
    [InlineData("rotation_range=forty", "rotation_range expects a number")]
    [InlineData("fill_mode=mirror", "nearest, constant, reflect or wrap")]
    [InlineData("zoom_range=[1.2,0.8]", "above its upper bound")]
    [InlineData("horizontal_flip=maybe", "expects true or false")]
    [InlineData("width_shift_range=-1", "must be in")]
    [InlineData("", "empty")]
    public void RejectsBadSpecsSayingWhatIsWrong(string text, string fault) =>
        Assert.Contains(fault, Assert.Throws<FormatException>(() => AugmentOptions.Parse(text)).Message);
}
