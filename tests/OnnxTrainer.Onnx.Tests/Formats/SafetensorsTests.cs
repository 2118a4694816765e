using System.Buffers.Binary;
using System.Text;
using OnnxTrainer.Onnx;
using OnnxTrainer.Onnx.Formats;

namespace OnnxTrainer.Onnx.Tests.Formats;

public sealed class SafetensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safetensors-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static Tensor[] SampleTensors() =>
    [
        Tensor.FromFloats("block1_conv1/W", [1.5f, -2.25f, 0f, float.MaxValue, float.Epsilon, -0f], 1, 2, 3),
        Tensor.FromInt64s("step", [long.MinValue, 42L, long.MaxValue], 3),
        new Tensor("counts", ElementType.Int32, [2, 2], new[] { -1, 0, 1, int.MaxValue }),
        new Tensor("pixels", ElementType.UInt8, [5], new byte[] { 0, 1, 127, 128, 255 }),
        new Tensor("mask", ElementType.Bool, [2], new[] { true, false }),
        Tensor.FromFloats("scalar", [3.5f]),
        Tensor.FromFloats("empty", [], 0, 4),
    ];

    private static void AssertSameTensors(IReadOnlyList<Tensor> expected, IReadOnlyList<Tensor> actual)
    {
        Assert.Equal(expected.Select(t => t.Name), actual.Select(t => t.Name));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Elem, actual[i].Elem);
            Assert.Equal(expected[i].Dims, actual[i].Dims);
            Assert.Equal(expected[i].ToRawBytes(), actual[i].ToRawBytes());
        }
    }

    [Fact]
    public void RoundTripsEveryDtypeAndMetadata()
    {
        var tensors = SampleTensors();
        var metadata = new Dictionary<string, string> { ["format"] = "onnx-trainer", ["epoch"] = "3", ["note"] = "ünïcødé \"quoted\" +<>" };
        string path = PathOf("round.safetensors");

        Safetensors.Write(path, tensors, metadata);
        var file = Safetensors.Read(path);

        AssertSameTensors(tensors, file.Tensors);
        Assert.Equal(metadata.OrderBy(p => p.Key), file.Metadata.OrderBy(p => p.Key));
        Assert.Equal(new[] { true, false }, (bool[])file["mask"].Data);
        Assert.Equal(new[] { long.MinValue, 42L, long.MaxValue }, file["step"].Int64s);
        Assert.Empty(Directory.GetFiles(_dir, ".*.tmp")); // no temporary of this writer is left
    }

    [Fact]
    public void WithoutMetadataReadsEmptyMetadata()
    {
        var bytes = Safetensors.ToBytes([Tensor.FromFloats("x", [1f], 1)]);
        var file = Safetensors.FromBytes(bytes);
        Assert.Empty(file.Metadata);
        Assert.DoesNotContain("__metadata__", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void WritesExactBytesForASmallFile()
    {
        var bytes = Safetensors.ToBytes(
            [Tensor.FromFloats("a", [1f, 2f], 2), Tensor.FromInt64s("b", [7L])],
            new Dictionary<string, string> { ["format"] = "pt" });

        // Hand-written: 138 bytes of JSON + 6 spaces = 144, so the data starts at 8 + 144 = 152, a multiple of 8.
        const string header = "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]}}"
            + "      ";
        byte[] expected =
        [
            144, 0, 0, 0, 0, 0, 0, 0,
            .. Encoding.ASCII.GetBytes(header),
            0x00, 0x00, 0x80, 0x3F, // 1.0f
            0x00, 0x00, 0x00, 0x40, // 2.0f
            7, 0, 0, 0, 0, 0, 0, 0, // 7L
        ];
        Assert.Equal(144, header.Length);
        Assert.Equal(Encoding.ASCII.GetString(expected), Encoding.ASCII.GetString(bytes));
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void OutputIsDeterministicAndKeepsTheGivenOrder()
    {
        var meta1 = new Dictionary<string, string> { ["z"] = "1", ["a"] = "2" };
        var meta2 = new Dictionary<string, string> { ["a"] = "2", ["z"] = "1" };
        var tensors = SampleTensors();
        Assert.Equal(Safetensors.ToBytes(tensors, meta1), Safetensors.ToBytes(tensors, meta2));

        var reversed = tensors.Reverse().ToArray();
        var file = Safetensors.FromBytes(Safetensors.ToBytes(reversed));
        Assert.Equal(reversed.Select(t => t.Name), file.Tensors.Select(t => t.Name));

        string path = PathOf("same.safetensors");
        Safetensors.Write(path, tensors, meta1);
        Assert.Equal(Safetensors.ToBytes(tensors, meta1), File.ReadAllBytes(path));
    }

    [Fact]
    public void HeaderIsPaddedToAMultipleOfEight()
    {
        for (int n = 1; n <= 9; n++)
        {
            var bytes = Safetensors.ToBytes([new Tensor(new string('x', n), ElementType.UInt8, [1], new byte[] { 9 })]);
            long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            Assert.Equal(0, (8 + headerLength) % 8);
            Assert.Equal(9, bytes[^1]);
        }
    }

    [Fact]
    public void ConvertsF16AndBF16AndF64ToFloat()
    {
        // F16: 1.0 = 0x3C00, -2.0 = 0xC000, 0.5 = 0x3800. BF16: top half of float32 bits: 1.0 = 0x3F80, -3.0 = 0xC040.
        byte[] f16 = [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38];
        byte[] bf16 = [0x80, 0x3F, 0x40, 0xC0];
        byte[] f64 = BitConverter.GetBytes(0.25);
        string json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2,1],\"data_offsets\":[6,10]},"
            + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[10,18]}}";
        var file = Safetensors.FromBytes(Build(json, [.. f16, .. bf16, .. f64]));

        Assert.Equal(ElementType.Float, file["h"].Elem);
        Assert.Equal(new[] { 1f, -2f, 0.5f }, file["h"].Floats);
        Assert.Equal(new[] { 1f, -3f }, file["b"].Floats);
        Assert.Equal(new long[] { 2, 1 }, file["b"].Dims);
        Assert.Equal(new[] { 0.25f }, file["d"].Floats);
    }

    [Fact]
    public void ReadsTensorsNotStoredInHeaderOrder()
    {
        // Data for "second" comes first in the buffer; reading follows the offsets, not the order.
        string json = "{\"first\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]},\"second\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}";
        var file = Safetensors.FromBytes(Build(json, [1, 2, 3, 4]));
        Assert.Equal(new byte[] { 3, 4 }, (byte[])file["first"].Data);
        Assert.Equal(new byte[] { 1, 2 }, (byte[])file["second"].Data);
    }

    /// <summary>Header length + header JSON (unpadded is legal) + data.</summary>
    private static byte[] Build(string json, byte[] data, ulong? headerLength = null)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var result = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, headerLength ?? (ulong)header.Length);
        header.CopyTo(result, 8);
        data.CopyTo(result, 8 + header.Length);
        return result;
    }

    private const string OneFloat = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    public static TheoryData<string, string> MalformedCases() => new()
    {
        { "too-short", "too short" },
        { "header-beyond-file", "beyond the end of the file" },
        { "bad-json", "not valid JSON" },
        { "not-object", "must be a JSON object" },
        { "unknown-dtype", "unknown dtype \"F8_E4M3\"" },
        { "offsets-out-of-range", "out of range" },
        { "overlap", "overlapping" },
        { "shape-mismatch", "needs 12 bytes" },
        { "negative-dim", "non-negative integers" },
        { "missing-offsets", "data_offsets" },
        { "reversed-offsets", "begin <= end" },
        { "metadata-not-string", "must be a string" },
        { "duplicate-name", "twice" },
        { "truncated-data", "out of range" },
    };

    private static byte[] Malformed(string kind) => kind switch
    {
        "too-short" => [1, 2, 3],
        "header-beyond-file" => Build(OneFloat, new byte[8], headerLength: 10_000),
        "bad-json" => Build("{\"w\":{\"dtype\":\"F32\",", new byte[8]),
        "not-object" => Build("[1,2,3]", []),
        "unknown-dtype" => Build("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]),
        "offsets-out-of-range" => Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", new byte[8]),
        "overlap" => Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]),
        "shape-mismatch" => Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]),
        "negative-dim" => Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", new byte[8]),
        "missing-offsets" => Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", new byte[8]),
        "reversed-offsets" => Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", new byte[8]),
        "metadata-not-string" => Build("{\"__metadata__\":{\"epoch\":3}}", []),
        "duplicate-name" => Build("{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", new byte[2]),
        "truncated-data" => Safetensors.ToBytes([Tensor.FromFloats("w", new float[100], 100)])[..^4],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(MalformedCases))]
    public void MalformedFileGivesErrorNamingTheFileAndFault(string kind, string fault)
    {
        string path = PathOf(kind + ".safetensors");
        File.WriteAllBytes(path, Malformed(kind));

        var ex = Assert.Throws<InvalidDataException>(() => Safetensors.Read(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains(fault, ex.Message);

        var fromBytes = Assert.Throws<InvalidDataException>(() => Safetensors.FromBytes(Malformed(kind), "in-memory.st"));
        Assert.Contains("in-memory.st", fromBytes.Message);
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        string path = PathOf("nope.safetensors");
        var ex = Assert.Throws<FileNotFoundException>(() => Safetensors.Read(path));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void WriteRejectsDuplicateAndReservedNames()
    {
        Assert.Throws<ArgumentException>(() => Safetensors.ToBytes([Tensor.FromFloats("x", [1f], 1), Tensor.FromFloats("x", [2f], 1)]));
        Assert.Throws<ArgumentException>(() => Safetensors.ToBytes([Tensor.FromFloats("__metadata__", [1f], 1)]));
    }

    private static IEnumerable<Tensor> ThrowsAfterFirst()
    {
        yield return Tensor.FromFloats("first", [1f, 2f], 2);
        throw new IOException("simulated failure while producing tensors");
    }

    [Fact]
    public void FailingEnumerableLeavesThePreviousFileIntact()
    {
        string path = PathOf("ckpt.safetensors");
        Safetensors.Write(path, SampleTensors(), new Dictionary<string, string> { ["epoch"] = "1" });
        byte[] before = File.ReadAllBytes(path);

        Assert.Throws<IOException>(() => Safetensors.Write(path, ThrowsAfterFirst()));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Empty(Directory.GetFiles(_dir, ".*.tmp")); // no temporary of this writer is left
        Assert.Equal("1", Safetensors.Read(path).Metadata["epoch"]);
    }

    [Fact]
    public void FailureWhileWritingDataLeavesThePreviousFileIntact()
    {
        string path = PathOf("ckpt.safetensors");
        Safetensors.Write(path, SampleTensors());
        byte[] before = File.ReadAllBytes(path);

        // The header is written and the first tensor's data too; the second tensor's data (double[] declared as
        // float) cannot be written, so the write fails midway through the temporary file.
        var bad = new Tensor("bad", ElementType.Float, [2], new double[] { 1, 2 });
        var ex = Assert.Throws<ArgumentException>(() => Safetensors.Write(path, [Tensor.FromFloats("ok", new float[1000], 1000), bad]));
        Assert.Contains("bad", ex.Message);

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Empty(Directory.GetFiles(_dir, ".*.tmp")); // no temporary of this writer is left
    }

    [Fact]
    public void WriteReplacesAStaleTemporaryFileAndTheOldFile()
    {
        string path = PathOf("ckpt.safetensors");
        File.WriteAllText(PathOf(".ckpt.safetensors.2147483646.0badc0de.tmp"), "left over from a crashed run (no such process)");
        Safetensors.Write(path, [Tensor.FromFloats("v", [1f], 1)]);
        Safetensors.Write(path, [Tensor.FromFloats("v", [2f], 1)]);

        Assert.Equal(new[] { 2f }, Safetensors.Read(path)["v"].Floats);
        Assert.Empty(Directory.GetFiles(_dir, ".*.tmp")); // no temporary of this writer is left
    }
}
