using System.Runtime.InteropServices;

namespace OnnxTrainer.Onnx.Files;

/// <summary>What a path names, read with lstat (or stat when following links) without opening it, so a FIFO never blocks.</summary>
#if ONNXTRAINER_RUNTIME
internal
#else
public
#endif
enum FileKind
{
    /// <summary>Nothing exists at the path (or it cannot be inspected).</summary>
    Missing,
    /// <summary>A regular file.</summary>
    Regular,
    /// <summary>A folder.</summary>
    Directory,
    /// <summary>A symbolic link (reported only when links are not followed).</summary>
    SymbolicLink,
    /// <summary>A character device such as /dev/null.</summary>
    CharacterDevice,
    /// <summary>A block device such as a disk.</summary>
    BlockDevice,
    /// <summary>A FIFO (named pipe): opening it for reading would block.</summary>
    Fifo,
    /// <summary>A Unix domain socket.</summary>
    Socket,
    /// <summary>Any other file type.</summary>
    Other,
}

/// <summary>Reads a path's file type (statx on Linux; .NET's attributes elsewhere, which cannot tell devices from files).</summary>
#if ONNXTRAINER_RUNTIME
internal
#else
public
#endif
static class FileKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, u16 mode

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    /// <summary>The type of <paramref name="path"/> without opening it; <see cref="FileKind.Missing"/> when it does not exist.</summary>
    /// <param name="path">The path to inspect.</param>
    /// <param name="followLinks">True to report the type of a symbolic link's target instead of <see cref="FileKind.SymbolicLink"/>.</param>
    public static FileKind Of(string path, bool followLinks)
    {
        if (OperatingSystem.IsLinux())
        {
            var buffer = new byte[256];
            try
            {
                if (Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType, buffer) != 0) return FileKind.Missing;
                int mode = BitConverter.ToUInt16(buffer, ModeOffset) & 0xF000; // S_IFMT
                return mode switch
                {
                    0x8000 => FileKind.Regular,
                    0x4000 => FileKind.Directory,
                    0xA000 => FileKind.SymbolicLink,
                    0x2000 => FileKind.CharacterDevice,
                    0x6000 => FileKind.BlockDevice,
                    0x1000 => FileKind.Fifo,
                    0xC000 => FileKind.Socket,
                    _ => FileKind.Other,
                };
            }
            catch (EntryPointNotFoundException)
            {
                // glibc before 2.28: fall back to what .NET reports.
            }
        }
        var info = new FileInfo(path);
        if (!followLinks && info.LinkTarget is not null) return FileKind.SymbolicLink;
        if (Directory.Exists(path)) return FileKind.Directory;
        return File.Exists(path) ? FileKind.Regular : FileKind.Missing;
    }

    /// <summary>The kind in words for error messages, for example "a folder" or "a FIFO (named pipe)".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a folder",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.Socket => "a socket",
        _ => "not a regular file",
    };
}
