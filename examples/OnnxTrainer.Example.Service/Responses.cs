using System.Text.Json.Serialization;

namespace OnnxTrainer.Example.Service;

public sealed record Health(string Status, string Model, string[] Classes, bool Gradcam);

public sealed record Score(int Index, string Class, float Probability);

public sealed record PredictResponse(string Model, Score[] Top);

public sealed record ErrorResponse(string Error);

/// <summary>Source-generated JSON (camelCase) for the responses.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Health))]
[JsonSerializable(typeof(PredictResponse))]
[JsonSerializable(typeof(ErrorResponse))]
public sealed partial class ServiceJson : JsonSerializerContext;
