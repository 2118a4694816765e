namespace OnnxTrainer.Runtime;

/// <summary>A Grad-CAM explanation of one image (seeds/003 listings 5.40-5.43).</summary>
public sealed class Explanation
{
    internal Explanation(Prediction prediction, ClassScore explained, string layer, Heatmap heatmap, FeatureMap activations, FeatureMap gradients)
    {
        Prediction = prediction;
        ExplainedClass = explained;
        Layer = layer;
        Heatmap = heatmap;
        Activations = activations;
        Gradients = gradients;
    }

    /// <summary>The model's prediction for the image (computed in the same run).</summary>
    public Prediction Prediction { get; }

    /// <summary>The class explained: the one asked for, or the predicted one.</summary>
    public ClassScore ExplainedClass { get; }

    /// <summary>The layer explained, such as "block5_conv3".</summary>
    public string Layer { get; }

    /// <summary>ReLU(sum over k of mean(dy/dA_k) * A_k) scaled to [0, 1] (all zero when nothing in the layer speaks for the class).</summary>
    public Heatmap Heatmap { get; }

    /// <summary>The layer's activations A.</summary>
    public FeatureMap Activations { get; }

    /// <summary>dy/dA: the gradient of the class score (the classifier's logit; for class 0 of a sigmoid unit, minus it) with respect to A.</summary>
    public FeatureMap Gradients { get; }
}
