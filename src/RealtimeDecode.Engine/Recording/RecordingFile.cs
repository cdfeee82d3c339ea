using System.Buffers;
using System.Text;

namespace RealtimeDecode.Engine.Recording;

/// <summary>
/// One append-only text file of a recording, written whole rows at a time: each row is encoded (UTF-8)
/// and handed to the operating system in one write, so a crash loses no row already written. When a
/// write fails (disk full, file size limit, device gone) the file is cut back to its last complete row,
/// the failure is kept in <see cref="Failure"/> and every later row is dropped (counted), so the file
/// always ends on a complete row. Not thread-safe: the owner serialises calls.
/// </summary>
internal sealed class RecordingFile : IDisposable
{
    private static readonly UTF8Encoding Utf8 = new(false);
    private readonly FileStream _stream;
    private long _complete;

    /// <summary>Creates <paramref name="path"/> (it must not exist).</summary>
    public RecordingFile(string path)
    {
        Path = path;
        // No buffering of our own: each row is one write system call.
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 1);
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Why writing stopped (the first failure's message), or null while it works.</summary>
    public string? Failure { get; private set; }

    /// <summary>Rows written completely (the header counts as one).</summary>
    public int RowsKept { get; private set; }

    /// <summary>Rows not written because of <see cref="Failure"/> (including the one that failed).</summary>
    public int RowsLost { get; private set; }

    /// <summary>Appends one row (with its line end); false when it was not written. Never throws an I/O error.</summary>
    public bool TryAppend(ReadOnlySpan<char> row)
    {
        if (Failure is not null)
        {
            RowsLost++;
            return false;
        }
        byte[] bytes = ArrayPool<byte>.Shared.Rent(Utf8.GetMaxByteCount(row.Length));
        try
        {
            int n = Utf8.GetBytes(row, bytes);
            _stream.Write(bytes, 0, n);
            _stream.Flush();
            _complete += n;
            RowsKept++;
            return true;
        }
        catch (Exception e) when (e is ObjectDisposedException || Tables.AtomicFile.IsWriteFailure(e))
        {
            Failure = e.Message;
            RowsLost++;
            // A short write may have left part of the row: cut the file back to its last complete row.
            try { _stream.SetLength(_complete); }
            catch (Exception t) when (t is ObjectDisposedException || Tables.AtomicFile.IsWriteFailure(t)) { /* the device is gone: nothing more can be done for this file */ }
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Closes the file; never throws an I/O error (what was written is already with the operating system).</summary>
    public void Dispose()
    {
        try { _stream.Dispose(); }
        catch (Exception e) when (Tables.AtomicFile.IsWriteFailure(e)) { Failure ??= e.Message; }
    }
}
