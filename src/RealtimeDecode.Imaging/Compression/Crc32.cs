namespace RealtimeDecode.Imaging.Compression;

/// <summary>
/// CRC-32 of gzip (ISO 3309 / ITU-T V.42: reflected polynomial 0xEDB88320, initial value and final
/// xor 0xFFFFFFFF), table-driven, one byte at a time. The CRC of "123456789" is 0xCBF43926.
/// </summary>
internal sealed class Crc32
{
    private static readonly uint[] Table = BuildTable();
    private uint _state = 0xFFFFFFFF;

    /// <summary>The CRC of every byte appended so far.</summary>
    public uint Value => ~_state;

    /// <summary>Adds <paramref name="data"/> to the checksum.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        uint c = _state;
        foreach (byte b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        _state = c;
    }

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }
}
