using OnnxTrainer.Onnx;
using OnnxTrainer.Data.Augmentation;

namespace OnnxTrainer.Data.Tests.Augmentation;

/// <summary>Pins the geometry of the transforms on synthetic CHW images.</summary>
public sealed class GeometryTests
{
    private static float[] Random(int c, int h, int w, int seed = 3)
    {
        var rng = new SeededRandom((ulong)seed);
        return Enumerable.Range(0, c * h * w).Select(_ => (float)rng.NextInt(256)).ToArray();
    }

    private static float[] Warp(float[] src, int c, int h, int w, RandomTransform t, FillMode fill = FillMode.Nearest, float cval = 0)
    {
        var dst = new float[src.Length];
        AffineWarp.Apply(src, dst, c, h, w, t.ToAffine(h, w), fill, cval);
        return dst;
    }

    private static float At(float[] img, int h, int w, int k, int r, int c) => img[(k * h + r) * w + c];

    [Fact]
    public void HorizontalFlipMirrorsEveryPixelExactly()
    {
        const int c = 3, h = 7, w = 10;
        var src = Random(c, h, w);
        var dst = Warp(src, c, h, w, RandomTransform.Identity with { FlipHorizontal = true });
        for (int k = 0; k < c; k++)
            for (int r = 0; r < h; r++)
                for (int x = 0; x < w; x++)
                    Assert.Equal(At(src, h, w, k, r, w - 1 - x), At(dst, h, w, k, r, x));
    }

    [Fact]
    public void VerticalFlipMirrorsRowsExactly()
    {
        const int h = 6, w = 5;
        var src = Random(1, h, w);
        var dst = Warp(src, 1, h, w, RandomTransform.Identity with { FlipVertical = true });
        for (int r = 0; r < h; r++)
            for (int x = 0; x < w; x++)
                Assert.Equal(At(src, h, w, 0, h - 1 - r, x), At(dst, h, w, 0, r, x));
    }

    [Fact]
    public void NinetyDegreeRotationMovesAMarkedPixelAQuarterTurnClockwise()
    {
        const int n = 9;
        var src = new float[n * n];
        src[1 * n + 2] = 200; // row 1, col 2: up and left of the center (4, 4)
        var dst = Warp(src, 1, n, n, RandomTransform.Identity with { Theta = 90 });
        // Keras's matrix maps output (r, c) to input (4 - (c - 4), 4 + (r - 4)), so input (1, 2) lands at
        // (4 + (2 - 4), 4 - (1 - 4)) = (2, 7): from upper left to upper right, clockwise.
        Assert.Equal(200, dst[2 * n + 7]);
        Assert.Equal(200, dst.Sum());
        var back = Warp(dst, 1, n, n, RandomTransform.Identity with { Theta = -90 });
        Assert.Equal(src, back);
    }

    [Fact]
    public void FullTurnsAndQuarterTurnsOfASquareArePixelPermutations()
    {
        const int n = 8;
        var src = Random(1, n, n);
        var quarter = Warp(src, 1, n, n, RandomTransform.Identity with { Theta = 90 });
        Assert.Equal(src.Order(), quarter.Order());
        var four = Warp(Warp(quarter, 1, n, n, RandomTransform.Identity with { Theta = 180 }), 1, n, n, RandomTransform.Identity with { Theta = 90 });
        Assert.Equal(src, four);
    }

    [Fact]
    public void WidthShiftOfTwoTenthsMovesContentByAFifthOfTheWidth()
    {
        const int h = 4, w = 50;
        var src = new float[h * w];
        for (int r = 0; r < h; r++) src[r * w + 30] = 255; // a vertical line at column 30
        var options = new AugmentOptions { WidthShiftRange = 0.2 };
        // Keras: ty = uniform(-0.2, 0.2) * width; the image at output column x reads input column x + ty.
        var t = RandomTransform.Identity with { Ty = 0.2 * w };
        var dst = Warp(src, 1, h, w, t, FillMode.Constant);
        for (int r = 0; r < h; r++)
            for (int x = 0; x < w; x++)
                Assert.Equal(x == 30 - 10 ? 255 : 0, At(dst, h, w, 0, r, x));

        var rng = new SeededRandom(5);
        var shifts = Enumerable.Range(0, 400).Select(_ => RandomTransform.Draw(options, rng, h, w).Ty).ToArray();
        Assert.All(shifts, s => Assert.InRange(s, -10, 10));
        Assert.True(shifts.Max() > 9 && shifts.Min() < -9, "draws should span the whole [-0.2 W, 0.2 W] range");
        Assert.All(Enumerable.Range(0, 100).Select(_ => RandomTransform.Draw(options, rng, h, w)), d => Assert.Equal(0, d.Tx));
    }

    [Fact]
    public void ShiftRangesFromOneUpArePixels()
    {
        var rng = new SeededRandom(9);
        var draws = Enumerable.Range(0, 300).Select(_ => RandomTransform.Draw(new AugmentOptions { HeightShiftRange = 3 }, rng, 100, 100).Tx).ToArray();
        Assert.All(draws, s => Assert.InRange(s, -3, 3));
        Assert.True(draws.Max() > 2.5 && draws.Min() < -2.5);
    }

    [Fact]
    public void HeightShiftMovesRows()
    {
        const int h = 10, w = 3;
        var src = new float[h * w];
        for (int x = 0; x < w; x++) src[6 * w + x] = 9;
        var dst = Warp(src, 1, h, w, RandomTransform.Identity with { Tx = -2 }, FillMode.Constant);
        for (int x = 0; x < w; x++) Assert.Equal(9, dst[8 * w + x]);
        Assert.Equal(9 * w, dst.Sum());
    }

    [Fact]
    public void FillModeNearestRepeatsTheEdgePixels()
    {
        const int h = 3, w = 20;
        var src = Random(2, h, w);
        var dst = Warp(src, 2, h, w, RandomTransform.Identity with { Ty = 5 }); // reads columns x + 5: the last 5 are outside
        for (int k = 0; k < 2; k++)
            for (int r = 0; r < h; r++)
            {
                for (int x = 0; x < w - 5; x++) Assert.Equal(At(src, h, w, k, r, x + 5), At(dst, h, w, k, r, x));
                for (int x = w - 5; x < w; x++) Assert.Equal(At(src, h, w, k, r, w - 1), At(dst, h, w, k, r, x));
            }
    }

    [Fact]
    public void FillModesConstantReflectAndWrapReadWhatKerasDocumentsOutside()
    {
        const int w = 4;
        float[] row = [10, 20, 30, 40]; // a b c d
        float[] Shift(FillMode mode, double ty) => Warp(row, 1, 1, w, RandomTransform.Identity with { Ty = ty }, mode, cval: 99);

        Assert.Equal(new float[] { 99, 99, 10, 20 }, Shift(FillMode.Constant, -2)); // kk|ab
        Assert.Equal(new float[] { 20, 10, 10, 20 }, Shift(FillMode.Reflect, -2)); // ...ba|ab... (abcddcba|abcd|dcbaabcd)
        Assert.Equal(new float[] { 30, 40, 10, 20 }, Shift(FillMode.Wrap, -2)); // cd|ab
        Assert.Equal(new float[] { 10, 10, 10, 20 }, Shift(FillMode.Nearest, -2)); // aa|ab
        Assert.Equal(new float[] { 30, 40, 40, 30 }, Shift(FillMode.Reflect, 2)); // cd|dc
        // Indices outside 0..3 under each mode: wrap -1 -> d, 5 -> b; reflect -1 -> a, -3 -> c, 4 -> d, 5 -> c, 8 -> a.
        Assert.Equal(3, AffineWarp.Resolve(-1, w, FillMode.Wrap));
        Assert.Equal(1, AffineWarp.Resolve(5, w, FillMode.Wrap));
        Assert.Equal(new[] { 0, 2, 3, 2, 0 }, new[] { -1.0, -3, 4, 5, 8 }.Select(i => AffineWarp.Resolve(i, w, FillMode.Reflect)));
        Assert.Equal(-1, AffineWarp.Resolve(-1, w, FillMode.Constant));
        Assert.Equal(3, AffineWarp.Resolve(17, w, FillMode.Nearest));
    }

    [Fact]
    public void HalfPixelShiftsInterpolateBilinearly()
    {
        float[] row = [0, 100, 200, 100];
        var dst = Warp(row, 1, 1, 4, RandomTransform.Identity with { Ty = 0.5 });
        Assert.Equal(new float[] { 50, 150, 150, 100 }, dst);
    }

    [Fact]
    public void ZoomAboveOneShrinksTheContentAboutTheCenter()
    {
        const int n = 9;
        var src = new float[n * n];
        src[4 * n + 4] = 50; // center
        src[4 * n + 6] = 80; // two columns right of the center
        var dst = Warp(src, 1, n, n, RandomTransform.Identity with { Zx = 2, Zy = 2 }, FillMode.Constant);
        // output (r, c) reads 4 + 2 (r - 4), 4 + 2 (c - 4): the center stays, column 6 comes to column 5.
        Assert.Equal(50, dst[4 * n + 4]);
        Assert.Equal(80, dst[4 * n + 5]);
        Assert.Equal(130, dst.Sum());
    }

    [Fact]
    public void ShearSlantsColumnsAlongRows()
    {
        // Keras: input row = r - sin(s) c, input col = cos(s) c (about the center). At 45 degrees a point one column
        // right of the center reads sin(45) rows higher; check against the matrix directly.
        var map = (RandomTransform.Identity with { Shear = 45 }).ToAffine(5, 5);
        var (ir, ic) = map.Apply(2, 3);
        Assert.Equal(2 - Math.Sin(Math.PI / 4), ir, 12);
        Assert.Equal(2 + Math.Cos(Math.PI / 4), ic, 12);
    }
}
