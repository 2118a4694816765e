using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Packaging.Tests;

/// <summary>
/// The packable libraries' public APIs (the runtime's is in OnnxTrainer.Runtime.Tests), each compared with
/// Approved/NAME.public-api.txt beside this file: a change to what users call is a diff to approve (ONNXTRAINER_APPROVE=1).
/// </summary>
public class PublicApiTests
{
    public static TheoryData<string> Libraries => ["OnnxTrainer.Onnx", "OnnxTrainer.Models", "OnnxTrainer.Autodiff", "OnnxTrainer.Data", "OnnxTrainer.Training"];

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Public_api_is_unchanged(string library) =>
        PublicApi.Verify($"tests/OnnxTrainer.Packaging.Tests/Approved/{library}.public-api.txt", System.Reflection.Assembly.Load(library));

    [Fact]
    public void Graph_building_libraries_do_not_reference_onnx_runtime()
    {
        foreach (var library in new[] { "OnnxTrainer.Onnx", "OnnxTrainer.Models", "OnnxTrainer.Autodiff", "OnnxTrainer.Data" })
            Assert.DoesNotContain("Microsoft.ML.OnnxRuntime", System.Reflection.Assembly.Load(library).GetReferencedAssemblies().Select(a => a.Name));
    }
}
