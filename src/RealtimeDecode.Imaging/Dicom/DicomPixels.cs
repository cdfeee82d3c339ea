using System.Buffers.Binary;

namespace RealtimeDecode.Imaging.Dicom;

/// <summary>
/// Uncompressed little endian pixel data to float32: BitsAllocated 8, 16 or 32, unsigned or two's
/// complement signed (PixelRepresentation 1, sign-extended from BitsStored), then
/// value = stored × slope + intercept computed in double and rounded once to float32.
/// </summary>
internal sealed class DicomPixels
{
    public DicomPixels(DicomDataset ds, string? path)
    {
        Path = path;
        Rows = ds.GetInt32(DicomTags.Rows) ?? throw new InputDataException(path, "Rows (0028,0010) is missing");
        Columns = ds.GetInt32(DicomTags.Columns) ?? throw new InputDataException(path, "Columns (0028,0011) is missing");
        BitsAllocated = ds.GetInt32(DicomTags.BitsAllocated) ?? throw new InputDataException(path, "BitsAllocated (0028,0100) is missing");
        BitsStored = ds.GetInt32(DicomTags.BitsStored) ?? BitsAllocated;
        Signed = (ds.GetInt32(DicomTags.PixelRepresentation) ?? 0) == 1;
        int spp = ds.GetInt32(DicomTags.SamplesPerPixel) ?? 1;
        Frames = Math.Max(1, ds.GetInt32(DicomTags.NumberOfFrames) ?? 1);
        if (Rows <= 0 || Columns <= 0) throw new InputDataException(path, $"image size {Columns}×{Rows} is not valid");
        if (spp != 1) throw new InputDataException(path, $"SamplesPerPixel {spp} is not supported (only 1: grey-scale)");
        if (BitsAllocated is not (8 or 16 or 32)) throw new InputDataException(path, $"BitsAllocated {BitsAllocated} is not supported (8, 16 or 32)");
        if (BitsStored <= 0 || BitsStored > BitsAllocated) BitsStored = BitsAllocated;
        long voxels = (long)Rows * Columns * Frames;
        if (voxels > Volume.MaxVoxels)
            throw new InputDataException(path, $"{Frames} frame(s) of {Columns}×{Rows} are {voxels} voxels, more than the {Volume.MaxVoxels}-voxel limit");

        string ts = DicomFile.TransferSyntaxOf(ds);
        if (ts != DicomFile.ImplicitVRLittleEndian && ts != DicomFile.ExplicitVRLittleEndian)
            throw new InputDataException(path, $"transfer syntax {ts} ({SyntaxName(ts)}) is not supported: only uncompressed little endian (1.2.840.10008.1.2, 1.2.840.10008.1.2.1)");
        var pixel = ds.Get(DicomTags.PixelData) ?? throw new InputDataException(path, "no pixel data (7FE0,0010): the file is truncated or holds no image");
        if (pixel.Fragments is not null)
            throw new InputDataException(path, $"pixel data is encapsulated (compressed) although transfer syntax {ts} is uncompressed");
        Data = pixel.Value;
        long need = (long)Rows * Columns * Frames * (BitsAllocated / 8);
        if (Data.Length < need)
            throw new InputDataException(path, $"truncated pixel data: {Data.Length} bytes for {Frames} frame(s) of {Columns}×{Rows}×{BitsAllocated} bits ({need} bytes)");
    }

    public string? Path { get; }
    public int Rows { get; }
    public int Columns { get; }
    public int Frames { get; }
    public int BitsAllocated { get; }
    public int BitsStored { get; }
    public bool Signed { get; }
    public ReadOnlyMemory<byte> Data { get; }

    public int FrameLength => Rows * Columns;

    /// <summary>
    /// Decodes frame <paramref name="frame"/> into <paramref name="dst"/> (nx·ny values) with its rows
    /// reversed: dst row j is DICOM row (Rows − 1 − j), the layout of <see cref="DicomReader"/>'s volumes.
    /// </summary>
    public void DecodeFrameFlipped(int frame, double slope, double intercept, Span<float> dst)
    {
        long first = (long)frame * FrameLength;
        for (int j = 0; j < Rows; j++)
            Decode(first + (long)(Rows - 1 - j) * Columns, slope, intercept, dst.Slice(j * Columns, Columns));
    }

    /// <summary>Decodes dst.Length consecutive pixels starting at pixel <paramref name="firstPixel"/> of the pixel data.</summary>
    public void Decode(long firstPixel, double slope, double intercept, Span<float> dst)
    {
        int n = dst.Length;
        int bytes = BitsAllocated / 8;
        var src = Data.Span.Slice(checked((int)(firstPixel * bytes)), n * bytes);
        int shift = BitsAllocated - BitsStored;
        switch (BitsAllocated, Signed)
        {
            case (8, false):
                for (int i = 0; i < n; i++) dst[i] = (float)(src[i] * slope + intercept);
                break;
            case (8, true):
                for (int i = 0; i < n; i++)
                {
                    int v = (sbyte)(byte)(src[i] << shift) >> shift;
                    dst[i] = (float)(v * slope + intercept);
                }
                break;
            case (16, false):
                for (int i = 0; i < n; i++) dst[i] = (float)(BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]) * slope + intercept);
                break;
            case (16, true):
                for (int i = 0; i < n; i++)
                {
                    int v = (short)(BinaryPrimitives.ReadInt16LittleEndian(src[(2 * i)..]) << shift) >> shift;
                    dst[i] = (float)(v * slope + intercept);
                }
                break;
            case (32, false):
                for (int i = 0; i < n; i++) dst[i] = (float)(BinaryPrimitives.ReadUInt32LittleEndian(src[(4 * i)..]) * slope + intercept);
                break;
            default:
                for (int i = 0; i < n; i++)
                {
                    int v = (BinaryPrimitives.ReadInt32LittleEndian(src[(4 * i)..]) << shift) >> shift;
                    dst[i] = (float)(v * slope + intercept);
                }
                break;
        }
    }

    private static string SyntaxName(string ts) => ts switch
    {
        DicomFile.ExplicitVRBigEndian => "explicit VR big endian",
        DicomFile.DeflatedExplicitVRLittleEndian => "deflated",
        "1.2.840.10008.1.2.5" => "RLE lossless",
        _ when ts.StartsWith("1.2.840.10008.1.2.4.", StringComparison.Ordinal) => "JPEG family, compressed",
        _ => "compressed or unknown",
    };
}
