using System.Globalization;

namespace OnnxTrainer.Training.Memory;

/// <summary>
/// Memory this process may still take: the kernel's MemAvailable (/proc/meminfo: free memory plus what can be reclaimed
/// without swapping), lowered to the room left in the cgroup's memory.max when one is set; null where neither can be read.
/// </summary>
public static class AvailableMemory
{
    public static long? Bytes()
    {
        long? available = MemAvailable();
        if (CgroupRoom() is { } room) available = available is { } a ? Math.Min(a, room) : room;
        return available;
    }

    private static long? MemAvailable()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && long.TryParse(line["MemAvailable:".Length..].Replace("kB", "").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long kb))
                    return kb * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    // cgroup v2: memory.max ("max" or bytes) minus memory.current of this process's group.
    private static long? CgroupRoom()
    {
        try
        {
            string? group = File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..];
            if (group is null) return null;
            string dir = Path.Combine("/sys/fs/cgroup", group.TrimStart('/'));
            if (!File.Exists(Path.Combine(dir, "memory.max"))) return null;
            string max = File.ReadAllText(Path.Combine(dir, "memory.max")).Trim();
            if (!long.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out long limit)) return null;
            long current = long.TryParse(File.ReadAllText(Path.Combine(dir, "memory.current")).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long c) ? c : 0;
            return Math.Max(0, limit - current);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
