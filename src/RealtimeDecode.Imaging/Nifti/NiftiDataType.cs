namespace RealtimeDecode.Imaging.Nifti;

/// <summary>NIfTI datatype codes (the header's <c>datatype</c> field) that this library reads and writes.</summary>
public enum NiftiDataType : short
{
    /// <summary>Unsigned 8-bit integer (code 2).</summary>
    UInt8 = 2,
    /// <summary>Signed 16-bit integer (code 4).</summary>
    Int16 = 4,
    /// <summary>Signed 32-bit integer (code 8).</summary>
    Int32 = 8,
    /// <summary>IEEE 32-bit float (code 16).</summary>
    Float32 = 16,
    /// <summary>IEEE 64-bit float (code 64).</summary>
    Float64 = 64,
    /// <summary>Signed 8-bit integer (code 256).</summary>
    Int8 = 256,
    /// <summary>Unsigned 16-bit integer (code 512).</summary>
    UInt16 = 512,
    /// <summary>Unsigned 32-bit integer (code 768).</summary>
    UInt32 = 768,
    /// <summary>Signed 64-bit integer (code 1024).</summary>
    Int64 = 1024,
    /// <summary>Unsigned 64-bit integer (code 1280).</summary>
    UInt64 = 1280,
}

/// <summary>Facts about <see cref="NiftiDataType"/> values.</summary>
public static class NiftiDataTypes
{
    /// <summary>True when <paramref name="code"/> is a datatype this library can read.</summary>
    public static bool IsSupported(short code) => code switch
    {
        2 or 4 or 8 or 16 or 64 or 256 or 512 or 768 or 1024 or 1280 => true,
        _ => false,
    };

    /// <summary>Bytes per voxel.</summary>
    public static int BytesPerVoxel(NiftiDataType type) => type switch
    {
        NiftiDataType.UInt8 or NiftiDataType.Int8 => 1,
        NiftiDataType.Int16 or NiftiDataType.UInt16 => 2,
        NiftiDataType.Int32 or NiftiDataType.UInt32 or NiftiDataType.Float32 => 4,
        NiftiDataType.Int64 or NiftiDataType.UInt64 or NiftiDataType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), $"Unsupported NIfTI datatype {(short)type}."),
    };

    /// <summary>True for the integer datatypes.</summary>
    public static bool IsInteger(NiftiDataType type) => type is not (NiftiDataType.Float32 or NiftiDataType.Float64);

    /// <summary>A readable name for a datatype code, including codes this library does not support.</summary>
    public static string Describe(short code) => code switch
    {
        0 => "unknown (0)",
        1 => "binary (1)",
        2 => "uint8 (2)",
        4 => "int16 (4)",
        8 => "int32 (8)",
        16 => "float32 (16)",
        32 => "complex64 (32)",
        64 => "float64 (64)",
        128 => "rgb24 (128)",
        256 => "int8 (256)",
        512 => "uint16 (512)",
        768 => "uint32 (768)",
        1024 => "int64 (1024)",
        1280 => "uint64 (1280)",
        1536 => "float128 (1536)",
        1792 => "complex128 (1792)",
        2048 => "complex256 (2048)",
        2304 => "rgba32 (2304)",
        _ => $"code {code}",
    };

    /// <summary>The datatype's name (e.g. "int16").</summary>
    public static string Name(NiftiDataType type) => type switch
    {
        NiftiDataType.UInt8 => "uint8",
        NiftiDataType.Int16 => "int16",
        NiftiDataType.Int32 => "int32",
        NiftiDataType.Float32 => "float32",
        NiftiDataType.Float64 => "float64",
        NiftiDataType.Int8 => "int8",
        NiftiDataType.UInt16 => "uint16",
        NiftiDataType.UInt32 => "uint32",
        NiftiDataType.Int64 => "int64",
        NiftiDataType.UInt64 => "uint64",
        _ => $"code {(short)type}",
    };
}
