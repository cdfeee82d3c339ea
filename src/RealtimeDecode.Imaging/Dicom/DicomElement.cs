namespace RealtimeDecode.Imaging.Dicom;

/// <summary>
/// One data element as read from the file: its tag, its value representation (as written in an
/// explicit VR dataset, or from the built-in dictionary for implicit VR; "UN" when unknown), its raw
/// value bytes (a slice of the file's buffer, in the dataset's byte order) and, for sequences, its items.
/// </summary>
public sealed class DicomElement
{
    internal DicomElement(DicomTag tag, string vr, ReadOnlyMemory<byte> value, IReadOnlyList<DicomDataset>? items = null,
        IReadOnlyList<ReadOnlyMemory<byte>>? fragments = null, bool undefinedLength = false)
    {
        Tag = tag;
        VR = vr;
        Value = value;
        Items = items;
        Fragments = fragments;
        IsUndefinedLength = undefinedLength;
    }

    /// <summary>The tag.</summary>
    public DicomTag Tag { get; }

    /// <summary>Two-letter value representation ("US", "DS", "SQ", ...; "UN" when unknown).</summary>
    public string VR { get; }

    /// <summary>Raw value bytes (empty for sequences and encapsulated pixel data).</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>Items of a sequence, null when the element is not a sequence.</summary>
    public IReadOnlyList<DicomDataset>? Items { get; }

    /// <summary>Fragments of encapsulated (compressed) pixel data, the basic offset table first; null otherwise.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? Fragments { get; }

    /// <summary>True when the element was written with undefined length (0xFFFFFFFF) and delimiters.</summary>
    public bool IsUndefinedLength { get; }

    /// <summary>True for sequences.</summary>
    public bool IsSequence => Items is not null;

    /// <inheritdoc />
    public override string ToString() => $"{Tag} {VR} {(IsSequence ? $"{Items!.Count} items" : $"{Value.Length} bytes")}";
}
