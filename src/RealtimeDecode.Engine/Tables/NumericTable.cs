using System.Globalization;
using System.Text;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tables;

/// <summary>
/// A numeric TSV table as ARCHITECTURE.md fixes it: a header row, first column <c>volume</c>
/// (0-based volume index), then named numeric columns. Rows are volumes (TRs), values are row-major.
/// Missing values are written and read as <c>n/a</c> (BIDS) and held as NaN.
/// </summary>
public sealed class NumericTable
{
    /// <summary>Creates a table; <paramref name="values"/> is row-major, rows × columns.</summary>
    public NumericTable(IReadOnlyList<string> columns, int[] volumes, double[] values)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(volumes);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != (long)volumes.Length * columns.Count)
            throw new ArgumentOutOfRangeException(nameof(values),
                $"A table of {volumes.Length} rows × {columns.Count} columns has {(long)volumes.Length * columns.Count} values, got {values.Length}.");
        Columns = columns;
        Volumes = volumes;
        Values = values;
    }

    /// <summary>Names of the value columns (without <c>volume</c>).</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The <c>volume</c> column.</summary>
    public int[] Volumes { get; }

    /// <summary>Values, row-major (rows = volumes).</summary>
    public double[] Values { get; }

    public int RowCount => Volumes.Length;
    public int ColumnCount => Columns.Count;

    /// <summary>The values of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<double> Row(int row) => Values.AsSpan(row * ColumnCount, ColumnCount);

    /// <summary>Copy of column <paramref name="column"/>.</summary>
    public double[] Column(int column)
    {
        var c = new double[RowCount];
        for (int r = 0; r < RowCount; r++) c[r] = Values[r * ColumnCount + column];
        return c;
    }

    /// <summary>Index of the named column, or -1.</summary>
    public int IndexOf(string column)
    {
        for (int i = 0; i < Columns.Count; i++) if (Columns[i] == column) return i;
        return -1;
    }

    /// <summary>Reads a table; any problem becomes an <see cref="InputDataException"/> naming the file and line.</summary>
    public static NumericTable Read(string path)
    {
        if (!File.Exists(path)) throw new InputDataException(path, "file not found");
        TextFileCheck.EnsureText(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        return Read(reader, path);
    }

    /// <summary>Reads a table from <paramref name="reader"/>; <paramref name="name"/> is used in messages.</summary>
    public static NumericTable Read(TextReader reader, string name)
    {
        var lines = new BoundedLineReader(reader, name);
        string? header = lines.ReadLine();
        if (string.IsNullOrWhiteSpace(header)) throw new InputDataException(name, "empty table: no header row");
        var names = header.TrimEnd('\r').Split('\t');
        if (names[0] != "volume")
            throw new InputDataException(name, $"first column must be 'volume', found '{names[0]}'");
        int cols = names.Length - 1;
        var columns = names[1..];
        var volumes = new List<int>();
        var values = new List<double>();
        int lineNo = 1;
        string? line;
        while ((line = lines.ReadLine()) != null)
        {
            lineNo++;
            if (line.Length == 0 || (line.Length == 1 && line[0] == '\r')) continue;
            ReadOnlySpan<char> rest = line.AsSpan().TrimEnd('\r');
            int field = 0;
            while (true)
            {
                int tab = rest.IndexOf('\t');
                var cell = tab < 0 ? rest : rest[..tab];
                if (field > cols)
                    throw new InputDataException(name, $"line {lineNo} has more than the header's {cols + 1} columns (ragged row)");
                if (field == 0)
                {
                    if (!int.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < 0)
                        throw new InputDataException(name, $"line {lineNo}: volume '{cell.ToString()}' is not a non-negative integer");
                    volumes.Add(v);
                }
                else values.Add(ParseCell(cell, name, lineNo, columns[field - 1]));
                field++;
                if (tab < 0) break;
                rest = rest[(tab + 1)..];
            }
            if (field != cols + 1)
                throw new InputDataException(name, $"line {lineNo} has {field} columns, the header has {cols + 1} (ragged row)");
        }
        return new NumericTable(columns, volumes.ToArray(), values.ToArray());
    }

    private static double ParseCell(ReadOnlySpan<char> cell, string name, int lineNo, string column)
    {
        if (cell.SequenceEqual("n/a") || cell.SequenceEqual("NaN") || cell.Length == 0) return double.NaN;
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
            throw new InputDataException(name, $"line {lineNo}, column '{column}': '{cell.ToString()}' is not a number");
        return d;
    }

    /// <summary>Writes the table (through <see cref="AtomicFile"/>); doubles in shortest round-trip form, NaN as <c>n/a</c>.</summary>
    public void Write(string path)
    {
        // Complete or not at all: a full disk never replaces a good table with a truncated one.
        AtomicFile.WriteText(path, Write);
    }

    /// <summary>Writes the table to <paramref name="writer"/>.</summary>
    public void Write(TextWriter writer)
    {
        using var row = new TsvRowWriter(writer, Columns);
        for (int r = 0; r < RowCount; r++) row.WriteRow(Volumes[r], Row(r));
    }
}
