using OnnxTrainer.Onnx;

namespace OnnxTrainer.Data.Augmentation;

/// <summary>
/// One image's draw of Keras's <c>get_random_transform</c>: rotation <see cref="Theta"/> (degrees), shifts in pixels
/// along rows (<see cref="Tx"/>, from height_shift_range) and columns (<see cref="Ty"/>, from width_shift_range), shear
/// (degrees), zooms of rows and columns, and flips. Keras's names: its tx is the row (height) shift.
/// </summary>
public readonly record struct RandomTransform(
    double Theta, double Tx, double Ty, double Shear, double Zx, double Zy, bool FlipHorizontal, bool FlipVertical)
{
    public static RandomTransform Identity { get; } = new(0, 0, 0, 0, 1, 1, false, false);

    /// <summary>
    /// Draws every parameter from <paramref name="rng"/> in a fixed order (each drawn even when its range is 0, so
    /// turning one parameter on does not change the others' draws).
    /// </summary>
    public static RandomTransform Draw(AugmentOptions options, SeededRandom rng, int height, int width)
    {
        double Symmetric(double range) => (2 * rng.NextDouble() - 1) * range;
        double Shift(double range, int size) => range < 1 ? Symmetric(range) * size : Symmetric(range);
        double theta = Symmetric(options.RotationRange);
        double tx = Shift(options.HeightShiftRange, height);
        double ty = Shift(options.WidthShiftRange, width);
        double shear = Symmetric(options.ShearRange);
        var (lo, hi) = options.ZoomRange;
        double zx = lo + (hi - lo) * rng.NextDouble();
        double zy = lo + (hi - lo) * rng.NextDouble();
        bool flipH = rng.NextDouble() < 0.5 && options.HorizontalFlip;
        bool flipV = rng.NextDouble() < 0.5 && options.VerticalFlip;
        return new RandomTransform(theta, tx, ty, shear, zx, zy, flipH, flipV);
    }

    /// <summary>
    /// The whole draw as one map from output pixel (row, col) to the input point it reads, as Keras's
    /// <c>apply_affine_transform</c> then <c>flip_axis</c>: input = C · R(theta) · T(tx, ty) · S(shear) · Z(zx, zy) · C⁻¹ · F · output,
    /// with C moving the origin to the image center and F the flips. Keras centers at (h/2 + 0.5, w/2 + 0.5); we use the
    /// true center ((h-1)/2, (w-1)/2), so a flip or a 90-degree turn of a square image is an exact pixel permutation.
    /// Positive angles turn the content clockwise on screen, as Keras's matrix does.
    /// </summary>
    public Affine ToAffine(int height, int width)
    {
        double t = Theta * Math.PI / 180, s = Shear * Math.PI / 180;
        var m = new Affine(Math.Cos(t), -Math.Sin(t), 0, Math.Sin(t), Math.Cos(t), 0) // R
            .Then(new Affine(1, 0, Tx, 0, 1, Ty)) // T
            .Then(new Affine(1, -Math.Sin(s), 0, 0, Math.Cos(s), 0)) // S
            .Then(new Affine(Zx, 0, 0, 0, Zy, 0)); // Z
        double cr = (height - 1) / 2.0, cc = (width - 1) / 2.0;
        var centered = new Affine(1, 0, cr, 0, 1, cc).Then(m).Then(new Affine(1, 0, -cr, 0, 1, -cc));
        var flips = new Affine(FlipVertical ? -1 : 1, 0, FlipVertical ? height - 1 : 0, 0, FlipHorizontal ? -1 : 1, FlipHorizontal ? width - 1 : 0);
        return centered.Then(flips);
    }
}

/// <summary>
/// A 2-D affine map of (row, col): row' = Rr·row + Rc·col + R0, col' = Cr·row + Cc·col + C0.
/// <see cref="Then"/> composes as matrices multiply: a.Then(b) applies b first.
/// </summary>
public readonly record struct Affine(double Rr, double Rc, double R0, double Cr, double Cc, double C0)
{
    public static Affine Identity { get; } = new(1, 0, 0, 0, 1, 0);

    public Affine Then(Affine b) => new(
        Rr * b.Rr + Rc * b.Cr, Rr * b.Rc + Rc * b.Cc, Rr * b.R0 + Rc * b.C0 + R0,
        Cr * b.Rr + Cc * b.Cr, Cr * b.Rc + Cc * b.Cc, Cr * b.R0 + Cc * b.C0 + C0);

    public (double Row, double Col) Apply(double row, double col) => (Rr * row + Rc * col + R0, Cr * row + Cc * col + C0);

    public bool IsIdentity => this == Identity;
}
