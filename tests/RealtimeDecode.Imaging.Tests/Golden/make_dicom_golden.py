#!/usr/bin/python3
"""Writes the DICOM golden fixtures for RealtimeDecode.Imaging.Tests/Dicom.

Run with Debian's interpreter (it has pydicom 2.3, nibabel 5.0, numpy) and dcm2niix on PATH:

    /usr/bin/python3 tests/RealtimeDecode.Imaging.Tests/Golden/make_dicom_golden.py

Outputs, next to this script:
  dicom/nibabel/   small DICOM files copied from python3-nibabel's test data (gzip kept as is)
  dicom/synth/     synthetic DICOM files written with pydicom for edge cases
  dicom_golden.json  what dcm2niix (the reference) makes of each file: NIfTI shape, affine (as
                   nibabel reads it), and voxel checksums plus a sample of voxel values after the
                   NIfTI scaling (scl_slope/scl_inter) has been applied.

dcm2niix options: -x i (neither crop nor rotate 3D acquisitions: keeps the acquisition grid),
-p n (Philips display values = RescaleSlope/Intercept, as the DICOM standard defines them).
"""
import gzip
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np

try:
    import nibabel as nib
    import pydicom
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.sequence import Sequence
    from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, ExplicitVRBigEndian
    from nibabel.nicom import csareader
except ImportError as e:  # pragma: no cover
    sys.exit(f"make_dicom_golden.py needs /usr/bin/python3 with nibabel and pydicom: {e}")

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "dicom")
NIBABEL_DATA = "/usr/lib/python3/dist-packages/nibabel/nicom/tests/data"
MR_STORAGE = "1.2.840.10008.5.1.4.1.1.4"
ENHANCED_MR_STORAGE = "1.2.840.10008.5.1.4.1.1.4.1"
N_SAMPLES = 64

NIBABEL_FILES = [
    "0.dcm", "1.dcm", "decimal_rescale.dcm", "csa_slice_norm.dcm", "slicethickness_empty_string.dcm",
    "siemens_dwi_0.dcm.gz", "siemens_dwi_1000.dcm.gz", "philips_mprage.dcm.gz",
]


# ----------------------------------------------------------------------------------------------
# reference: dcm2niix
# ----------------------------------------------------------------------------------------------

def checksums(data):
    """Checksums the C# tests recompute: plain sum, position-weighted sum, and sampled voxels.

    Voxels are flattened x fastest (Fortran order, as NIfTI stores them)."""
    flat = np.asarray(data, dtype=np.float64).ravel(order="F")
    idx = np.arange(flat.size, dtype=np.int64)
    weights = (idx * 7919) % 1000 + 1
    rng = np.random.default_rng(flat.size)
    picks = sorted(set(int(i) for i in rng.integers(0, flat.size, N_SAMPLES)))
    return {
        "sum": float(flat.sum()),
        "weighted_sum": float((flat * weights).sum()),
        "min": float(flat.min()),
        "max": float(flat.max()),
        "samples": [[i, float(flat[i])] for i in picks],
    }


def run_dcm2niix(paths):
    """Converts the given DICOM files (one series) with dcm2niix; returns the list of volumes."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in")
        dst = os.path.join(tmp, "out")
        os.makedirs(src)
        os.makedirs(dst)
        for p in paths:
            name = os.path.basename(p)
            if name.endswith(".gz"):
                with gzip.open(p, "rb") as f, open(os.path.join(src, name[:-3]), "wb") as g:
                    shutil.copyfileobj(f, g)
            else:
                shutil.copy(p, os.path.join(src, name))
        proc = subprocess.run(["dcm2niix", "-b", "n", "-z", "n", "-x", "i", "-p", "n", "-f", "out", "-o", dst, src],
                              capture_output=True, text=True)
        niis = sorted(f for f in os.listdir(dst) if f.endswith(".nii"))
        if not niis:
            return {"dcm2niix": "no output", "log": proc.stdout.strip().splitlines()[-1:]}
        if len(niis) > 1:
            raise RuntimeError(f"dcm2niix wrote several series for {paths}: {niis}")
        img = nib.load(os.path.join(dst, niis[0]))
        data = img.get_fdata(dtype=np.float64)
        if data.ndim == 3:
            data = data[..., None]
        while data.ndim > 4:
            data = data[..., 0]
        return {
            "shape": [int(s) for s in img.shape[:3]],
            "volumes": int(data.shape[3]),
            "affine": [float(v) for v in img.affine.ravel()],
            "scl_slope": float(img.dataobj.slope),
            "scl_inter": float(img.dataobj.inter),
            "on_disk": str(img.get_data_dtype()),
            "data": [checksums(data[..., t]) for t in range(data.shape[3])],
        }


# ----------------------------------------------------------------------------------------------
# synthetic files
# ----------------------------------------------------------------------------------------------

def base_dataset(sop_class=MR_STORAGE, ts=ExplicitVRLittleEndian, uid_seed="1"):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = f"1.2.826.0.1.3680043.8.498.1.{uid_seed}"
    meta.TransferSyntaxUID = ts
    meta.ImplementationClassUID = "1.2.826.0.1.3680043.8.498.1"
    ds = Dataset()
    ds.file_meta = meta
    ds.preamble = b"\0" * 128
    ds.is_little_endian = ts != ExplicitVRBigEndian
    ds.is_implicit_VR = ts == ImplicitVRLittleEndian
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.8.498.2"
    ds.SeriesInstanceUID = "1.2.826.0.1.3680043.8.498.3." + uid_seed.split(".")[0]
    ds.FrameOfReferenceUID = "1.2.826.0.1.3680043.8.498.4"
    ds.Modality = "MR"
    ds.Manufacturer = "SIEMENS"
    ds.PatientName = "Synthetic^Phantom"
    ds.PatientID = "synth"
    ds.StudyDate = "20260101"
    ds.SeriesDate = "20260101"
    ds.SeriesDescription = "synthetic"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "M", "ND"]
    ds.SeriesNumber = 7
    ds.AcquisitionNumber = 1
    ds.InstanceNumber = 1
    ds.AcquisitionTime = "101500.250000"
    ds.RepetitionTime = "2000"
    ds.EchoTime = "30"
    ds.MagneticFieldStrength = "3"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    return ds


def set_pixels(ds, arr, signed=False):
    """arr is rows × cols (or frames × rows × cols) in DICOM order."""
    arr = np.ascontiguousarray(arr)
    ds.Rows = arr.shape[-2]
    ds.Columns = arr.shape[-1]
    bits = arr.dtype.itemsize * 8
    ds.BitsAllocated = bits
    ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelRepresentation = 1 if signed else 0
    ds.PixelData = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
    ds["PixelData"].VR = "OB" if bits == 8 else "OW"


def undefined_length(seq_elem):
    seq_elem.is_undefined_length = True
    for item in seq_elem.value:
        item.is_undefined_length_sequence_item = True


def save(ds, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    ds.save_as(path, write_like_original=False)
    return path


def geometry(ds, iop, ipp, spacing, thickness):
    ds.ImageOrientationPatient = [f"{v:.8g}" for v in iop]
    ds.ImagePositionPatient = [f"{v:.8g}" for v in ipp]
    ds.PixelSpacing = [f"{v:.8g}" for v in spacing]
    ds.SliceThickness = f"{thickness:.8g}"


def oblique_iop(angle_deg=12.0):
    a = np.deg2rad(angle_deg)
    row = np.array([np.cos(a), np.sin(a), 0.0])
    col = np.array([-np.sin(a) * np.cos(0.2), np.cos(a) * np.cos(0.2), -np.sin(0.2)])
    col -= row * np.dot(row, col)
    col /= np.linalg.norm(col)
    return row, col


def ramp(rows, cols, scale=1, offset=0, dtype=np.uint16, seed=0):
    rng = np.random.default_rng(seed)
    base = np.arange(rows * cols).reshape(rows, cols) * scale + offset
    return (base + rng.integers(0, 3, size=(rows, cols))).astype(dtype)


def make_synthetic():
    synth = os.path.join(OUT, "synth")
    if os.path.isdir(synth):
        shutil.rmtree(synth)
    files = {}
    row, col = oblique_iop()

    # explicit VR, unsigned 16, nested sequences: undefined length outside, defined length inside,
    # plus a private UN element and an empty sequence.
    ds = base_dataset(uid_seed="10.1")
    ref = Dataset()
    ref.ReferencedSOPClassUID = MR_STORAGE
    ref.ReferencedSOPInstanceUID = "1.2.3.4.5"
    inner = Dataset()
    inner.CodeValue = "X1"
    inner.CodingSchemeDesignator = "99TEST"
    inner.CodeMeaning = "nested item"
    ref.PurposeOfReferenceCodeSequence = Sequence([inner, inner])
    ds.ReferencedImageSequence = Sequence([ref, ref])
    undefined_length(ds["ReferencedImageSequence"])
    ds.ProcedureCodeSequence = Sequence([])
    ds.add_new(0x00110010, "LO", "SYNTH PRIVATE")
    ds.add_new(0x00111001, "UN", b"\x01\x02\x03\x04\x05\x06")
    geometry(ds, list(row) + list(col), [-40.5, -30.25, 12.0], [1.5, 2.0], 3.0)
    set_pixels(ds, ramp(5, 7, 11, 100))
    files["explicit_u16_sequences"] = [save(ds, os.path.join(synth, "explicit_u16_sequences.dcm"))]

    # implicit VR, signed 16 with a fractional rescale and an undefined-length sequence
    ds = base_dataset(ts=ImplicitVRLittleEndian, uid_seed="11.1")
    ds.ReferencedImageSequence = Sequence([ref])
    undefined_length(ds["ReferencedImageSequence"])
    geometry(ds, [0, 1, 0, 0, 0, -1], [12.5, -80.0, 60.0], [0.9, 0.8], 2.5)  # sagittal
    ds.RescaleSlope = "0.5"
    ds.RescaleIntercept = "-10.25"
    ds.RescaleType = "US"
    px = ramp(6, 4, 97, -1200, np.int16, seed=2)
    set_pixels(ds, px, signed=True)
    files["implicit_s16_rescale"] = [save(ds, os.path.join(synth, "implicit_s16_rescale.dcm"))]

    # 8-bit unsigned, explicit VR, coronal
    ds = base_dataset(uid_seed="12.1")
    geometry(ds, [1, 0, 0, 0, 0, -1], [-20.0, 15.0, 30.0], [2.0, 2.0], 4.0)
    set_pixels(ds, ramp(4, 6, 9, 3, np.uint8, seed=3))
    files["explicit_u8"] = [save(ds, os.path.join(synth, "explicit_u8.dcm"))]

    # 32-bit signed, implicit VR, with rescale
    ds = base_dataset(ts=ImplicitVRLittleEndian, uid_seed="13.1")
    geometry(ds, list(row) + list(col), [5.0, 6.0, 7.0], [1.25, 1.25], 2.0)
    ds.RescaleSlope = "2"
    ds.RescaleIntercept = "1"
    set_pixels(ds, ramp(3, 5, 40000, -200000, np.int32, seed=4), signed=True)
    files["implicit_s32"] = [save(ds, os.path.join(synth, "implicit_s32.dcm"))]

    # classic series: one file per slice, names do not follow the slice order
    normal = np.cross(row, col)
    names = ["c.dcm", "a.dcm", "e.dcm", "b.dcm", "d.dcm"]
    series = []
    for s in range(5):
        ds = base_dataset(ts=ImplicitVRLittleEndian, uid_seed=f"14.{s + 1}")
        ds.InstanceNumber = s + 1
        ipp = np.array([-60.0, -70.0, -10.0]) + normal * 3.3 * s
        geometry(ds, list(row) + list(col), list(ipp), [2.5, 2.5], 3.0)
        ds.SliceLocation = f"{float(np.dot(ipp, normal)):.6f}"
        set_pixels(ds, ramp(6, 8, 3, 1000 * (s + 1), seed=10 + s))
        series.append(save(ds, os.path.join(synth, "series", names[s])))
    files["series"] = series

    # Siemens mosaic: 5 tiles of 6×4 in a 3×3 grid of a 20×12 image (the tiles do not fill its
    # width; rows are a whole number of tiles, where dcm2niix's tile offsets are exact),
    # number of images only in the CSA header (old CSA1 format and SV10 format variants).
    tiles = [ramp(4, 6, 5, 300 * (t + 1), seed=20 + t) for t in range(5)]
    mosaic = np.zeros((12, 20), np.uint16)
    for t, tile in enumerate(tiles):
        r, c = divmod(t, 3)
        mosaic[r * 4:(r + 1) * 4, c * 6:(c + 1) * 6] = tile
    # "csa2_reversed": the CSA SliceNormalVector points against row × column (slices stored
    # descending), which dcm2niix turns into a negative slice axis.
    for fmt in ("csa2", "csa1", "csa2_reversed"):
        ds = base_dataset(ts=ImplicitVRLittleEndian, uid_seed={"csa2": "15.1", "csa1": "16.1", "csa2_reversed": "15.2"}[fmt])
        ds.ImageType = ["ORIGINAL", "PRIMARY", "M", "ND", "MOSAIC"]
        # position of the mosaic's top-left pixel as Siemens writes it (slice 0 centre minus half the mosaic)
        spacing = (2.0, 3.0)
        centre0 = np.array([4.0, -12.0, 20.0])
        ipp = centre0 - row * spacing[1] * 20 / 2 - col * spacing[0] * 12 / 2
        geometry(ds, list(row) + list(col), list(ipp), list(spacing), 3.5)
        ds.SpacingBetweenSlices = "4"
        ds.add_new(0x00290010, "LO", "SIEMENS CSA HEADER")
        slice_normal = -normal if fmt == "csa2_reversed" else normal
        csa = csa_header({"NumberOfImagesInMosaic": ("US", [5]),
                          "SliceNormalVector": ("FD", [float(v) for v in slice_normal]),
                          "ImaCoilString": ("LO", ["HEA"])}, fmt[:4])
        check = csareader.read(csa)["tags"]
        assert check["NumberOfImagesInMosaic"]["items"] == [5], check
        assert np.allclose(check["SliceNormalVector"]["items"], slice_normal), check
        ds.add_new(0x00291010, "OB", csa)
        set_pixels(ds, mosaic)
        files[f"mosaic_{fmt}"] = [save(ds, os.path.join(synth, f"mosaic_{fmt}.dcm"))]

    # enhanced multi-frame (Siemens XA style): one volume of 4 slices (as XA exports fMRI, one file
    # per TR), and 3 slices × 2 time points stored slice-major (frames must be regrouped).
    files["enhanced_volume"] = [save(enhanced(row, col, 4, 1, "17.1"), os.path.join(synth, "enhanced_volume.dcm"))]
    files["enhanced_4d"] = [save(enhanced(row, col, 3, 2, "17.2"), os.path.join(synth, "enhanced_4d.dcm"))]

    # classic multi-frame without functional groups: frames are slices along the normal,
    # SpacingBetweenSlices apart, starting at ImagePositionPatient
    ds = base_dataset(uid_seed="20.1")
    geometry(ds, list(row) + list(col), [-10.0, 20.0, -30.0], [1.25, 1.5], 2.0)
    ds.SpacingBetweenSlices = "2.5"
    ds.NumberOfFrames = 3
    set_pixels(ds, np.stack([ramp(4, 5, 3, 100 * f, seed=40 + f) for f in range(3)]))
    files["classic_multiframe"] = [save(ds, os.path.join(synth, "classic_multiframe.dcm"))]

    # refused transfer syntaxes
    ds = base_dataset(ts=ExplicitVRBigEndian, uid_seed="18.1")
    geometry(ds, [1, 0, 0, 0, 1, 0], [0, 0, 0], [1, 1], 1)
    ds.Rows, ds.Columns, ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 2, 2, 16, 16, 15, 0
    ds.PixelData = b"\0\1\0\2\0\3\0\4"
    ds["PixelData"].VR = "OW"
    save(ds, os.path.join(synth, "big_endian.dcm"))

    ds = base_dataset(uid_seed="19.1")
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.50"
    geometry(ds, [1, 0, 0, 0, 1, 0], [0, 0, 0], [1, 1], 1)
    ds.Rows, ds.Columns, ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 8, 8, 7, 0
    from pydicom.encaps import encapsulate
    ds.PixelData = encapsulate([b"\xff\xd8\xff\xd9" + b"\0" * 28])
    ds["PixelData"].VR = "OB"
    ds["PixelData"].is_undefined_length = True
    save(ds, os.path.join(synth, "jpeg_baseline.dcm"))

    # truncated copies: inside the pixel data, and inside a sequence of the dataset
    whole = open(files["explicit_u16_sequences"][0], "rb").read()
    with open(os.path.join(synth, "truncated_pixels.dcm"), "wb") as f:
        f.write(whole[:-17])
    seq_at = whole.find(b"\x08\x00\x40\x11")  # (0008,1140) ReferencedImageSequence
    assert seq_at > 0
    with open(os.path.join(synth, "truncated_sequence.dcm"), "wb") as f:
        f.write(whole[:seq_at + 40])
    return files


def enhanced(row, col, n_slices, n_times, uid_seed):
    """Enhanced MR Image Storage: shared PixelMeasures / PlaneOrientation / PixelValueTransformation,
    per-frame PlanePosition and FrameContent, every sequence of undefined length; frames stored
    slice-major (all time points of slice 0 first)."""
    normal = np.cross(row, col)
    ds = base_dataset(sop_class=ENHANCED_MR_STORAGE, uid_seed=uid_seed)
    ds.ImageType = ["ORIGINAL", "PRIMARY", "M", "NONE"]
    ds.NumberOfFrames = n_slices * n_times
    ds.NumberOfTemporalPositions = n_times
    dims = []
    for pointer in (0x00209056, 0x00209128, 0x00209057):  # StackID, TemporalPositionIndex, InStackPositionNumber
        d = Dataset()
        d.DimensionOrganizationUID = "1.2.826.0.1.3680043.8.498.5"
        d.DimensionIndexPointer = pointer
        d.FunctionalGroupPointer = 0x00209111  # FrameContentSequence
        dims.append(d)
    ds.DimensionIndexSequence = Sequence(dims)
    shared = Dataset()
    pm = Dataset()
    pm.PixelSpacing = ["1.75", "1.5"]
    pm.SliceThickness = "2.5"
    pm.SpacingBetweenSlices = "3"
    shared.PixelMeasuresSequence = Sequence([pm])
    po = Dataset()
    po.ImageOrientationPatient = [f"{v:.8g}" for v in list(row) + list(col)]
    shared.PlaneOrientationSequence = Sequence([po])
    pvt = Dataset()
    pvt.RescaleSlope = "1.5"
    pvt.RescaleIntercept = "-4"
    pvt.RescaleType = "US"
    shared.PixelValueTransformationSequence = Sequence([pvt])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    per_frame = []
    frames = []
    for s in range(n_slices):
        for t in range(n_times):
            f = Dataset()
            fc = Dataset()
            fc.DimensionIndexValues = [1, t + 1, s + 1]
            fc.TemporalPositionIndex = t + 1
            fc.StackID = "1"
            fc.InStackPositionNumber = s + 1
            f.FrameContentSequence = Sequence([fc])
            pp = Dataset()
            pp.ImagePositionPatient = [f"{v:.8g}" for v in np.array([-30.0, -20.0, 5.0]) + normal * 3.0 * s]
            f.PlanePositionSequence = Sequence([pp])
            per_frame.append(f)
            frames.append(ramp(5, 6, 7, 500 * t + 50 * s, seed=30 + 2 * s + t))
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    for elem in ("SharedFunctionalGroupsSequence", "PerFrameFunctionalGroupsSequence"):
        undefined_length(ds[elem])
        for item in ds[elem].value:
            for sub in item:
                if sub.VR == "SQ":
                    undefined_length(sub)
    set_pixels(ds, np.stack(frames))
    return ds


def expected_enhanced_4d(path, reference_3d):
    """dcm2niix 1.0.20220720 does not split this file into time points (it stacks the 6 frames as 6
    slices), so the 4D expectation is built here from the file with the layout dcm2niix uses for
    the 3D case (rows flipped, slices ascending by InStackPositionNumber); the affine is the one
    dcm2niix gives for synth/enhanced_volume, which has the same grid, orientation and first slice."""
    ds = pydicom.dcmread(path)
    px = ds.pixel_array.astype(np.float64) * 1.5 - 4
    fcs = [f.FrameContentSequence[0] for f in ds.PerFrameFunctionalGroupsSequence]
    n_t = max(int(fc.TemporalPositionIndex) for fc in fcs)
    vols = []
    for t in range(1, n_t + 1):
        idx = sorted((int(fc.InStackPositionNumber), i) for i, fc in enumerate(fcs) if int(fc.TemporalPositionIndex) == t)
        stack = np.stack([px[i] for _, i in idx])          # slices × rows × cols
        vols.append(np.transpose(stack[:, ::-1, :], (2, 1, 0)))  # x = column, y = flipped row, z = slice
    return {
        "reference": "numpy, layout and affine of dcm2niix on synth/enhanced_volume",
        "shape": list(vols[0].shape),
        "volumes": len(vols),
        "affine": reference_3d["affine"],
        "data": [checksums(v) for v in vols],
    }


def describe(path):
    """Metadata as pydicom and nibabel's CSA reader see it, for the typed getters and CSA tests."""
    raw = open(path, "rb").read()
    if path.endswith(".gz"):
        raw = gzip.decompress(raw)
    import io
    ds = pydicom.dcmread(io.BytesIO(raw), force=True)

    def num(key):
        v = ds.get(key)
        return None if v is None or v == "" else float(v)

    info = {
        "SeriesInstanceUID": str(ds.get("SeriesInstanceUID", "")) or None,
        "SeriesNumber": num("SeriesNumber"),
        "InstanceNumber": num("InstanceNumber"),
        "AcquisitionNumber": num("AcquisitionNumber"),
        "AcquisitionTime": str(ds.get("AcquisitionTime", "")) or None,
        "RepetitionTime": num("RepetitionTime"),
        "TransferSyntaxUID": str(ds.file_meta.TransferSyntaxUID),
    }
    csa = None
    if (0x29, 0x1010) in ds:
        tags = csareader.read(ds[(0x29, 0x1010)].value)["tags"]
        csa = {name: [str(v) for v in tags[name]["items"]] for name in
               ("NumberOfImagesInMosaic", "SliceNormalVector", "B_value", "ImaCoilString", "SliceMeasurementDuration")
               if name in tags}
    return info, csa


def csa_header(tags, fmt):
    """Siemens CSA header bytes. fmt "csa2" writes the "SV10" format; "csa1" the older one without
    the "SV10" mark, whose item header carries item length + n_items-of-tag-1 in its first word."""
    out = bytearray()
    if fmt == "csa2":
        out += b"SV10\x04\x03\x02\x01"
    if fmt == "csa1":
        # nibabel reads CSA1 item lengths relative to tag 1's item count, so real CSA1 headers start
        # with an item-less tag; keep that shape.
        tags = {"EchoLinePosition": ("IS", []), **tags}
    names = list(tags)
    out += struct.pack("<2I", len(names), 77)
    tag1_items = 6
    for name in names:
        vr, values = tags[name]
        n_items = 6 if values else 0
        out += struct.pack("<64si4s3i", name.encode(), len(values), vr.encode(), 3, n_items, 77)
        for i in range(n_items):
            text = b""
            if i < len(values):
                v = values[i]
                text = (f"{v:.8f}" if isinstance(v, float) else str(v)).encode() + b"\0"
            n = len(text)
            x0 = n + tag1_items if fmt == "csa1" else n
            out += struct.pack("<4i", x0, n, 77, n)
            out += text + b"\0" * ((4 - n % 4) % 4)
    return bytes(out)


def main():
    if shutil.which("dcm2niix") is None:
        sys.exit("make_dicom_golden.py needs dcm2niix on PATH (Debian package dcm2niix)")
    if not os.path.isdir(NIBABEL_DATA):
        sys.exit(f"python3-nibabel test data not found at {NIBABEL_DATA}")
    nib_dir = os.path.join(OUT, "nibabel")
    os.makedirs(nib_dir, exist_ok=True)
    golden = {"dcm2niix": subprocess.run(["dcm2niix", "-v"], capture_output=True, text=True).stdout.strip().splitlines()[-1],
              "cases": {}}
    for name in NIBABEL_FILES:
        src = os.path.join(NIBABEL_DATA, name)
        dst = os.path.join(nib_dir, name)
        if os.path.getsize(src) > 300_000:
            raise RuntimeError(f"{name} is too large to copy as a fixture")
        shutil.copy(src, dst)
        golden["cases"]["nibabel/" + name] = {"files": ["nibabel/" + name], **run_dcm2niix([dst])}
    for case, paths in make_synthetic().items():
        rel = [os.path.relpath(p, OUT) for p in paths]
        if case == "mosaic_csa1":
            # dcm2niix reads only SV10 CSA headers: the reference is its output for the SV10 twin,
            # which holds the same tags, geometry and pixels.
            ref = {"reference": "dcm2niix on synth/mosaic_csa2", **run_dcm2niix([paths[0].replace("csa1", "csa2")])}
        elif case == "enhanced_4d":
            ref = expected_enhanced_4d(paths[0], golden["cases"]["synth/enhanced_volume"])
        else:
            ref = run_dcm2niix(paths)
        if case == "mosaic_csa2":
            # the reference must see the tiles that were written: slice k = tile k, rows flipped
            ds = pydicom.dcmread(paths[0])
            expected = np.stack([ds.pixel_array[(k // 3) * 4:(k // 3 + 1) * 4, (k % 3) * 6:(k % 3 + 1) * 6][::-1].T for k in range(5)], axis=2)
            assert ref["data"][0] == checksums(expected), "dcm2niix did not unpack the synthetic mosaic's tiles"
        golden["cases"]["synth/" + case] = {"files": rel, **ref}
    for case in golden["cases"].values():
        case["info"], case["csa"] = describe(os.path.join(OUT, case["files"][0]))
    with open(os.path.join(HERE, "dicom_golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
    for case, g in golden["cases"].items():
        print(f"{case:40s} {g.get('shape')} x{g.get('volumes')} {g.get('dcm2niix', '')}")


if __name__ == "__main__":
    main()
