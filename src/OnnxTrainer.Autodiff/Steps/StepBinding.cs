namespace OnnxTrainer.Autodiff.Steps;

/// <summary>A tensor a step reads as input <see cref="Value"/> and returns, updated, as output <see cref="NewValue"/>.</summary>
public sealed record StepBinding(string Value, string NewValue);
