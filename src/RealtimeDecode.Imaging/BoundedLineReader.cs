using System.Globalization;
using System.Text;

namespace RealtimeDecode.Imaging;

/// <summary>
/// Reads the lines of a text table (TSV) as <see cref="TextReader.ReadLine"/> does (ends at LF, CR or CR LF,
/// which are not part of the line), except that a line longer than a limit is refused with an
/// <see cref="InputDataException"/> naming the file and line before it is held in memory whole: a file
/// that is one line of gigabytes costs at most the limit, never an out-of-memory failure.
/// Not thread-safe.
/// </summary>
public sealed class BoundedLineReader
{
    /// <summary>Longest line of a table (characters, 2^26 ≈ 67 million): 79,800 DFC columns of 25 characters
    /// are 2 million; a longer line is not a table this program wrote or reads.</summary>
    public const int MaxLineChars = 1 << 26;

    private readonly TextReader _inner;
    private readonly string _name;
    private readonly int _max;
    private readonly char[] _buffer = new char[1 << 16];
    private readonly StringBuilder _line = new();
    private int _start, _end;
    private bool _afterCr;

    /// <summary>Reads from <paramref name="inner"/>; <paramref name="name"/> names the file in messages.</summary>
    public BoundedLineReader(TextReader inner, string name, int maxLineChars = MaxLineChars)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineChars, 1);
        _inner = inner;
        _name = name;
        _max = maxLineChars;
    }

    /// <summary>Lines returned so far (1 after the first).</summary>
    public int LineNumber { get; private set; }

    /// <summary>The next line without its line end, or null at the end of the text.</summary>
    /// <exception cref="InputDataException">The line is longer than the limit.</exception>
    public string? ReadLine()
    {
        _line.Clear();
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = _inner.Read(_buffer, 0, _buffer.Length);
                if (_end == 0)
                {
                    if (_line.Length == 0) return null;
                    LineNumber++;
                    return _line.ToString();
                }
            }
            if (_afterCr)
            {
                _afterCr = false;
                if (_buffer[_start] == '\n')
                {
                    _start++;
                    continue;
                }
            }
            int k = _buffer.AsSpan(_start, _end - _start).IndexOfAny('\r', '\n');
            int take = k < 0 ? _end - _start : k;
            if ((long)_line.Length + take > _max)
                throw new InputDataException(_name, string.Create(CultureInfo.InvariantCulture,
                    $"line {LineNumber + 1} is longer than {_max} characters, the limit for a line of a table"));
            _line.Append(_buffer, _start, take);
            if (k < 0)
            {
                _start = _end;
                continue;
            }
            _afterCr = _buffer[_start + k] == '\r';
            _start += k + 1;
            LineNumber++;
            return _line.ToString();
        }
    }

    /// <summary>Every line of the file <paramref name="path"/> (UTF-8 unless a byte order mark says otherwise), each bounded.</summary>
    public static string[] ReadAllLines(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var lines = new BoundedLineReader(reader, path);
        var all = new List<string>();
        while (lines.ReadLine() is { } line) all.Add(line);
        return [.. all];
    }
}
