using System.Text;
using OnnxTrainer.Data.Folders;

namespace OnnxTrainer.Data.Tests.Folders;

/// <summary>Small images written in every decoded format: PNG, JPEG and WebP through SkiaSharp, BMP and GIF by hand.</summary>
public static class TestImages
{
    /// <summary>An h x w RGB image (HWC bytes) whose pixel (y, x) is (40 y + 7 x + seed, 255 - 30 x, 9 y + 3 seed) mod 256.</summary>
    public static byte[] Pattern(int h, int w, int seed = 0)
    {
        var px = new byte[h * w * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                px[(y * w + x) * 3] = (byte)((40 * y + 7 * x + seed) & 255);
                px[(y * w + x) * 3 + 1] = (byte)((255 - 30 * x) & 255);
                px[(y * w + x) * 3 + 2] = (byte)((9 * y + 3 * seed) & 255);
            }
        return px;
    }

    public static void Png(string path, byte[] rgb, int h, int w) => ImageEncoder.Save(path, rgb, h, w, 3, ImageFormat.Png);

    /// <summary>24-bit uncompressed BMP: 14-byte file header, 40-byte info header, BGR rows bottom-up, padded to 4 bytes.</summary>
    public static void Bmp(string path, byte[] rgb, int h, int w)
    {
        int stride = (w * 3 + 3) & ~3;
        var ms = new MemoryStream();
        var bw = new BinaryWriter(ms);
        bw.Write((byte)'B');
        bw.Write((byte)'M');
        bw.Write(54 + stride * h);
        bw.Write(0);
        bw.Write(54);
        bw.Write(40);
        bw.Write(w);
        bw.Write(h);
        bw.Write((short)1);
        bw.Write((short)24);
        bw.Write(0);
        bw.Write(stride * h);
        bw.Write(2835);
        bw.Write(2835);
        bw.Write(0);
        bw.Write(0);
        for (int y = h - 1; y >= 0; y--)
        {
            for (int x = 0; x < w; x++)
            {
                int p = (y * w + x) * 3;
                bw.Write(rgb[p + 2]);
                bw.Write(rgb[p + 1]);
                bw.Write(rgb[p]);
            }
            for (int pad = w * 3; pad < stride; pad++) bw.Write((byte)0);
        }
        File.WriteAllBytes(path, ms.ToArray());
    }

    /// <summary>
    /// A GIF89a with a 4-color global palette and the given palette indices (row-major). The LZW stream emits a clear
    /// code before every two literals, so codes stay 3 bits wide and no string table is needed.
    /// </summary>
    public static void Gif(string path, byte[][] palette, byte[] indices, int h, int w)
    {
        if (palette.Length != 4) throw new ArgumentException("The test GIF writer uses a 4-color palette.");
        var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes("GIF89a"));
        ms.Write([(byte)w, (byte)(w >> 8), (byte)h, (byte)(h >> 8), 0x91, 0, 0]); // global table of 2^(1+1) colors
        foreach (var c in palette) ms.Write(c);
        ms.Write([0x2C, 0, 0, 0, 0, (byte)w, (byte)(w >> 8), (byte)h, (byte)(h >> 8), 0]);
        ms.WriteByte(2); // LZW minimum code size: clear = 4, end = 5, codes of 3 bits
        var codes = new List<int>();
        for (int i = 0; i < indices.Length; i++)
        {
            if (i % 2 == 0) codes.Add(4);
            codes.Add(indices[i]);
        }
        codes.Add(5);
        var packed = new List<byte>();
        int bits = 0, acc = 0;
        foreach (int code in codes)
        {
            acc |= code << bits;
            bits += 3;
            while (bits >= 8)
            {
                packed.Add((byte)acc);
                acc >>= 8;
                bits -= 8;
            }
        }
        if (bits > 0) packed.Add((byte)acc);
        for (int i = 0; i < packed.Count; i += 255)
        {
            int n = Math.Min(255, packed.Count - i);
            ms.WriteByte((byte)n);
            ms.Write(packed.GetRange(i, n).ToArray());
        }
        ms.WriteByte(0);
        ms.WriteByte(0x3B);
        File.WriteAllBytes(path, ms.ToArray());
    }
}
