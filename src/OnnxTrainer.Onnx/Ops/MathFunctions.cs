using static OnnxTrainer.Onnx.Ops.OpRule;

namespace OnnxTrainer.Onnx.Ops;

/// <summary>Element-wise math: Neg, Abs, Exp, Log, Sqrt, Reciprocal, Identity, Cast, and the piecewise-constant Sign, Floor, Ceil, Round.</summary>
internal static class MathFunctions
{
    private const string PiecewiseConstant = "piecewise constant: its derivative is zero wherever it exists";

    public static IEnumerable<OpRule> Rules =>
    [
        Differentiable("Neg", OpShapes.Same, c => [c.Neg(c.Dy)]),                                             // dX = -dY
        Differentiable("Abs", OpShapes.Same, c => [c.Mul(c.Dy, c.Op("Sign", c.X(0)))]),                       // dX = dY*sign(X), 0 at X=0
        Differentiable("Exp", OpShapes.Same, c => [c.Mul(c.Dy, c.Y())]),                                      // dX = dY*Y
        Differentiable("Log", OpShapes.Same, c => [c.Div(c.Dy, c.X(0))]),                                     // dX = dY/X
        Differentiable("Sqrt", OpShapes.Same, c => [c.Div(c.Mul(c.Dy, c.Const(0.5f)), c.Y())]),               // dX = dY/(2Y)
        Differentiable("Reciprocal", OpShapes.Same, c => [c.Mul(c.Neg(c.Dy), c.Mul(c.Y(), c.Y()))]),          // dX = -dY*Y^2
        Differentiable("Identity", OpShapes.Same, c => [c.Dy]),                                               // dX = dY
        Differentiable("Cast", s => [s.In(0) with { Elem = (ElementType)s.Node.Int("to", 1) }],
            c => [c.Dy]),                                                     // float to float only: other casts have integer or bool outputs, which the walk never visits
        NoGradient("Sign", OpShapes.Same, PiecewiseConstant),
        NoGradient("Floor", OpShapes.Same, PiecewiseConstant),
        NoGradient("Ceil", OpShapes.Same, PiecewiseConstant),
        NoGradient("Round", OpShapes.Same, PiecewiseConstant),
    ];
}
