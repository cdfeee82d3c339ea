using System.Globalization;

namespace RealtimeDecode.Engine.Motion;

/// <summary>
/// <c>motion.tsv</c> in fMRIPrep's confounds layout: one row per volume, columns
/// <c>trans_x trans_y trans_z rot_x rot_y rot_z framewise_displacement</c> (mm, radians, mm), then
/// <c>realign_status</c> (ok, blank, no_overlap, not_converged, poor_fit). A failed volume has
/// <c>n/a</c> parameters and FD. Numbers are written in shortest round-trip form.
/// </summary>
public sealed class MotionTable : IDisposable
{
    /// <summary>The header columns.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        [.. RigidMotion.ParameterNames, "framewise_displacement", "realign_status"];

    private readonly TextWriter _writer;
    private readonly bool _flushEachRow;

    /// <summary>Writes the header to <paramref name="writer"/>.</summary>
    public MotionTable(TextWriter writer, bool flushEachRow = false)
    {
        _writer = writer;
        _flushEachRow = flushEachRow;
        _writer.Write(string.Join('\t', Columns));
        _writer.Write('\n');
    }

    /// <summary>Writes the row of one volume.</summary>
    public void Write(MotionEstimate e)
    {
        foreach (double v in e.Parameters) { _writer.Write(Format(v)); _writer.Write('\t'); }
        _writer.Write(Format(e.FramewiseDisplacement));
        _writer.Write('\t');
        _writer.Write(e.Status.Name());
        _writer.Write('\n');
        if (_flushEachRow) _writer.Flush();
    }

    /// <summary>Writes a row already formatted (tab-separated cells for <see cref="Columns"/>).</summary>
    public void WriteRow(string cells)
    {
        _writer.Write(cells);
        _writer.Write('\n');
        if (_flushEachRow) _writer.Flush();
    }

    /// <summary>A value as written in the table (<c>n/a</c> for NaN).</summary>
    public static string Format(double v) => double.IsNaN(v) ? "n/a" : v.ToString("R", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
