namespace OnnxTrainer.Example.Service;

/// <summary>
/// The upload buffers: one array of <see cref="ServiceOptions.MaxUploadBytes"/> + 1 bytes per admitted request (so at
/// most <see cref="ServiceOptions.MaxBufferedUploads"/> exist), reused from request to request so that a burst of uploads
/// allocates nothing per request. One second after the last upload finishes they are dropped, the heap is compacted and
/// the C library is asked to return freed native memory, so the memory goes back to the system.
/// </summary>
public sealed class UploadBuffers : IDisposable
{
    private readonly int _size;
    private readonly Stack<byte[]> _free = new();
    private readonly Lock _lock = new();
    private readonly Timer _idle;
    private int _active;

    public UploadBuffers(long maxUploadBytes)
    {
        _size = checked((int)maxUploadBytes + 1); // one byte more than allowed: a body that fills it is too large
        _idle = new Timer(_ => Trim());
    }

    /// <summary>Arrays held now, in use or free (at most the number of admitted uploads).</summary>
    public int Held
    {
        get
        {
            lock (_lock) return _active + _free.Count;
        }
    }

    public byte[] Rent()
    {
        lock (_lock)
        {
            _active++;
            return _free.TryPop(out var b) ? b : new byte[_size];
        }
    }

    public void Return(byte[] buffer)
    {
        lock (_lock)
        {
            _active--;
            _free.Push(buffer);
            if (_active == 0) _idle.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        }
    }

    private void Trim()
    {
        lock (_lock)
        {
            if (_active > 0 || _free.Count == 0) return;
            _free.Clear();
        }
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                MallocTrim(0); // glibc keeps freed native blocks (SkiaSharp's copies of the uploads) unless asked to return them
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
            }
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    public void Dispose() => _idle.Dispose();
}
