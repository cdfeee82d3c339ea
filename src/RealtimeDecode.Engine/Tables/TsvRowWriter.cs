using System.Globalization;

namespace RealtimeDecode.Engine.Tables;

/// <summary>
/// Streams a numeric TSV (header <c>volume</c> then the columns) one row at a time, so that tables
/// with tens of thousands of columns never sit in memory whole. Doubles are written in shortest
/// round-trip form, NaN as <c>n/a</c>. Each row is flushed so that a crash loses no written row.
/// </summary>
public sealed class TsvRowWriter : IDisposable
{
    private readonly TextWriter _writer;
    private readonly int _columns;
    private readonly char[] _buffer = new char[32];
    private readonly bool _flushEachRow;

    public TsvRowWriter(TextWriter writer, IReadOnlyList<string> columns, bool flushEachRow = false)
    {
        _writer = writer;
        _columns = columns.Count;
        _flushEachRow = flushEachRow;
        _writer.Write("volume");
        foreach (var c in columns) { _writer.Write('\t'); _writer.Write(c); }
        _writer.Write('\n');
    }

    /// <summary>Writes one row; <paramref name="values"/> must have one value per column.</summary>
    public void WriteRow(int volume, ReadOnlySpan<double> values)
    {
        if (values.Length != _columns)
            throw new ArgumentOutOfRangeException(nameof(values), $"Row has {values.Length} values, the table has {_columns} columns.");
        _writer.Write(volume.ToString(CultureInfo.InvariantCulture));
        foreach (var v in values)
        {
            _writer.Write('\t');
            if (double.IsNaN(v)) _writer.Write("n/a");
            else if (v.TryFormat(_buffer, out int n, "R", CultureInfo.InvariantCulture)) _writer.Write(_buffer, 0, n);
            else _writer.Write(v.ToString("R", CultureInfo.InvariantCulture));
        }
        _writer.Write('\n');
        if (_flushEachRow) _writer.Flush();
    }

    public void Dispose() => _writer.Flush();
}
