namespace RealtimeDecode.Engine.Connectivity;

/// <summary>
/// The last W frames of R values, row-major [slot][roi] with slot = frame index mod W, and per ROI
/// the number of non-finite values in the window and the length of its run of equal values, so a
/// window kernel knows in O(1) which ROIs are degenerate.
/// </summary>
internal sealed class FrameRing
{
    private readonly int _w;
    private readonly int _r;
    private readonly int[] _nonFinite;   // non-finite values of each ROI in the window
    private readonly int[] _run;         // consecutive frames equal to the previous one
    private readonly double[] _prev;

    public FrameRing(int window, int roiCount)
    {
        _w = window;
        _r = roiCount;
        Values = new double[window * roiCount];
        _nonFinite = new int[roiCount];
        _run = new int[roiCount];
        _prev = new double[roiCount];
    }

    /// <summary>The ring, row-major [slot][roi].</summary>
    public double[] Values { get; }

    /// <summary>The slot the next frame goes to; once the window is full, the oldest frame's.</summary>
    public int Head { get; private set; }

    /// <summary>Frames stored since construction or <see cref="Reset"/>.</summary>
    public long Count { get; private set; }

    /// <summary>Whether W frames have been stored.</summary>
    public bool IsFull => Count >= _w;

    /// <summary>The R values of a slot.</summary>
    public Span<double> Row(int slot) => Values.AsSpan(slot * _r, _r);

    /// <summary>Stores the frame over the oldest one; returns the slot written.</summary>
    public int Store(ReadOnlySpan<double> frame)
    {
        int slot = Head;
        var row = Row(slot);
        bool full = IsFull;
        for (int i = 0; i < _r; i++)
        {
            double x = frame[i];
            if (full && !double.IsFinite(row[i])) _nonFinite[i]--;
            bool finite = double.IsFinite(x);
            if (!finite) _nonFinite[i]++;
            _run[i] = finite && Count > 0 && x == _prev[i] ? _run[i] + 1 : 0;
            _prev[i] = x;
            row[i] = x;
        }
        Head = slot + 1 == _w ? 0 : slot + 1;
        Count++;
        return slot;
    }

    /// <summary>Whether ROI i has a non-finite value in the window or the same value in all of its W frames.</summary>
    public bool IsConstantOrMissing(int i) => _nonFinite[i] > 0 || _run[i] >= _w - 1;

    /// <summary>Forgets all frames.</summary>
    public void Reset()
    {
        Count = 0;
        Head = 0;
        Array.Clear(Values);
        Array.Clear(_nonFinite);
        Array.Clear(_run);
    }
}
