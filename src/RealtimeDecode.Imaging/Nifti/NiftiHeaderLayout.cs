namespace RealtimeDecode.Imaging.Nifti;

/// <summary>
/// Byte offsets of the header fields the reader and the writer use, as nifti1.h and nifti2.h define
/// them; both read and write through these names, so the two cannot disagree on a field's place.
/// </summary>
internal static class NiftiHeaderLayout
{
    /// <summary>NIfTI-1: 348 bytes, 16-bit dims, float32 fields.</summary>
    internal static class V1
    {
        public const int HeaderSize = 348;
        public const int SizeofHdr = 0;
        public const int Dim = 40;            // short[8]
        public const int IntentCode = 68;     // short
        public const int Datatype = 70;       // short
        public const int Bitpix = 72;         // short
        public const int PixDim = 76;         // float[8]
        public const int VoxOffset = 108;     // float
        public const int SclSlope = 112;      // float
        public const int SclInter = 116;      // float
        public const int XyztUnits = 123;     // char
        public const int Descrip = 148;       // char[80]
        public const int QformCode = 252;     // short
        public const int SformCode = 254;     // short
        public const int QuaternB = 256;      // float; c, d and qoffset_x, _y, _z follow, 4 bytes each
        public const int QoffsetX = 268;      // float
        public const int SrowX = 280;         // float[4]; srow_y, srow_z follow, 16 bytes each
        public const int IntentName = 328;    // char[16]
        public const int Magic = 344;         // char[4]
        public const int FieldSize = 4;       // bytes of a float field
    }

    /// <summary>NIfTI-2: 540 bytes, 64-bit dims, float64 fields.</summary>
    internal static class V2
    {
        public const int HeaderSize = 540;
        public const int SizeofHdr = 0;
        public const int Magic = 4;           // char[8]
        public const int Datatype = 12;       // short
        public const int Bitpix = 14;         // short
        public const int Dim = 16;            // int64[8]
        public const int PixDim = 104;        // double[8]
        public const int VoxOffset = 168;     // int64
        public const int SclSlope = 176;      // double
        public const int SclInter = 184;      // double
        public const int Descrip = 240;       // char[80]
        public const int QformCode = 344;     // int
        public const int SformCode = 348;     // int
        public const int QuaternB = 352;      // double; c, d and qoffset_x, _y, _z follow, 8 bytes each
        public const int QoffsetX = 376;      // double
        public const int SrowX = 400;         // double[4]; srow_y, srow_z follow, 32 bytes each
        public const int XyztUnits = 500;     // int
        public const int IntentCode = 504;    // int
        public const int IntentName = 508;    // char[16]
        public const int FieldSize = 8;       // bytes of a double field
    }

    /// <summary>Size of the extension flag that follows the header in a single file (.nii).</summary>
    public const int ExtensionFlagSize = 4;
}
