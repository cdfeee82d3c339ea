namespace RealtimeDecode.Imaging.Dicom;

/// <summary>
/// Value representations of the public elements the readers use, for implicit VR datasets (where
/// the file does not say). Elements not listed read as "UN"; sequences not listed are still
/// recognised by undefined length or by an item tag at the start of their value.
/// </summary>
internal static class DicomDictionary
{
    private static readonly Dictionary<uint, string> Vrs = new()
    {
        [0x00080008] = "CS", [0x00080016] = "UI", [0x00080018] = "UI", [0x00080020] = "DA", [0x00080021] = "DA",
        [0x00080022] = "DA", [0x00080030] = "TM", [0x00080031] = "TM", [0x00080032] = "TM", [0x00080033] = "TM",
        [0x00080060] = "CS", [0x00080070] = "LO", [0x0008103E] = "LO", [0x00081140] = "SQ", [0x00081115] = "SQ",
        [0x00081150] = "UI", [0x00081155] = "UI", [0x00089215] = "SQ", [0x00080100] = "SH", [0x00080102] = "SH",
        [0x00080104] = "LO", [0x00401101] = "SQ", [0x00081032] = "SQ", [0x0040A170] = "SQ",
        [0x00100010] = "PN", [0x00100020] = "LO",
        [0x00180020] = "CS", [0x00180023] = "CS", [0x00180050] = "DS", [0x00180080] = "DS", [0x00180081] = "DS",
        [0x00180087] = "DS", [0x00180088] = "DS", [0x00181310] = "US", [0x00181312] = "CS", [0x00185100] = "CS",
        [0x00189006] = "SQ", [0x00189042] = "SQ", [0x00189049] = "SQ", [0x00189112] = "SQ", [0x00189114] = "SQ",
        [0x00189115] = "SQ", [0x00189117] = "SQ", [0x00189118] = "SQ", [0x00189119] = "SQ", [0x00189125] = "SQ",
        [0x00189152] = "SQ", [0x00189226] = "SQ", [0x00189074] = "DT", [0x00189151] = "DT",
        [0x0020000D] = "UI", [0x0020000E] = "UI", [0x00200010] = "SH", [0x00200011] = "IS", [0x00200012] = "IS",
        [0x00200013] = "IS", [0x00200032] = "DS", [0x00200037] = "DS", [0x00200052] = "UI", [0x00200100] = "IS",
        [0x00200105] = "IS", [0x00201041] = "DS", [0x00209056] = "SH", [0x00209057] = "UL", [0x00209111] = "SQ",
        [0x00209113] = "SQ", [0x00209116] = "SQ", [0x00209128] = "UL", [0x00209157] = "UL", [0x00209071] = "SQ",
        [0x00209222] = "SQ", [0x00209164] = "UI", [0x00209165] = "AT", [0x00209167] = "AT", [0x00209421] = "LO",
        [0x00280002] = "US", [0x00280004] = "CS", [0x00280008] = "IS", [0x00280010] = "US", [0x00280011] = "US",
        [0x00280030] = "DS", [0x00280100] = "US", [0x00280101] = "US", [0x00280102] = "US", [0x00280103] = "US",
        [0x00281050] = "DS", [0x00281051] = "DS", [0x00281052] = "DS", [0x00281053] = "DS", [0x00281054] = "LO",
        [0x00289110] = "SQ", [0x00289132] = "SQ", [0x00289145] = "SQ",
        [0x52009229] = "SQ", [0x52009230] = "SQ", [0x7FE00010] = "OW",
    };

    /// <summary>The VR of a public element, "UL" for group lengths, "UN" when unknown.</summary>
    public static string Lookup(DicomTag tag)
    {
        if (tag.Element == 0) return "UL";
        return Vrs.GetValueOrDefault(tag.Value, "UN");
    }
}
