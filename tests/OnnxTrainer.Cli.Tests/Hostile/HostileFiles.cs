using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using OnnxTrainer.Onnx.Files;

namespace OnnxTrainer.Cli.Tests.Hostile;

/// <summary>Bad files made on the spot (nothing large is committed), special files, and snapshots proving nothing changed.</summary>
public static class HostileFiles
{
    /// <summary>A PNG declaring <paramref name="width"/> x <paramref name="height"/> pixels in a few dozen bytes (1-bit grey, an empty compressed stream).</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 1; // bit depth 1, color type 0 (grey), deflate, adaptive filter, no interlace
        using var zlib = new MemoryStream();
        using (var z = new ZLibStream(zlib, CompressionLevel.Optimal, leaveOpen: true)) z.Write(new byte[1]);
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", zlib.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        s.Write(four);
        byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
        s.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(four, Crc32(typed));
        s.Write(four);
    }

    // CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320), as PNG chunks use it.
    private static uint Crc32(byte[] bytes)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }

    /// <summary>Runs a system tool (mknod, mkfifo, touch) and asserts it succeeded.</summary>
    public static void Tool(string name, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(name, args) { RedirectStandardError = true, UseShellExecute = false })!;
        string err = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(10_000), $"{name} did not finish");
        Assert.True(p.ExitCode == 0, $"{name} {string.Join(' ', args)} failed: {err}");
    }

    /// <summary>Creates a file whose name is <paramref name="nameBytes"/> (any bytes, not necessarily UTF-8) in <paramref name="folder"/>.</summary>
    public static void CreateRawName(string folder, byte[] nameBytes, byte[] content)
    {
        string octal = string.Concat(nameBytes.Select(b => "\\" + Convert.ToString(b, 8).PadLeft(3, '0')));
        Tool("bash", "-c", "cd \"$1\" && printf '%s' \"$2\" | base64 -d > \"$(printf \"$3\")\"", "bash", folder, Convert.ToBase64String(content), octal);
    }

    /// <summary>Every entry under <paramref name="root"/>: relative path, type, and content hash or link target (links not followed).</summary>
    public static IReadOnlyList<string> Snapshot(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Order(StringComparer.Ordinal)
            .Select(p =>
            {
                var kind = FileKinds.Of(p, followLinks: false);
                string detail = kind switch
                {
                    FileKind.Regular => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))),
                    FileKind.SymbolicLink => "-> " + new FileInfo(p).LinkTarget,
                    _ => "",
                };
                return $"{Path.GetRelativePath(root, p)} {kind} {detail}";
            })
            .ToList();

    /// <summary>Asserts the run failed with exit code 2 and one "error:" line holding every part of <paramref name="mentions"/>, nothing on stdout.</summary>
    public static void AssertRefused(CliRun run, params string[] mentions)
    {
        Assert.True(run.ExitCode == 2, $"exit code {run.ExitCode}; stdout: {run.Stdout}; stderr: {run.Stderr}");
        Assert.StartsWith("error: ", run.Stderr);
        Assert.Single(run.Stderr.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", run.Stderr); // no stack trace
        foreach (var m in mentions) Assert.Contains(m, run.Stderr);
    }
}
