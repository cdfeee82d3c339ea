#!/usr/bin/python3
"""Duplication check: finds copies of ideas that have one home in src/.

Each rule names a home file and a pattern that only the home may contain. A match anywhere else in
src/**/*.cs (comments and XML docs ignored) is reported as `path:line: rule: text` and the exit code
is 1. `--self-test` feeds every rule a snippet of the copy it must catch, and the home a snippet it
must not catch, and fails when a rule misses.

Run:  /usr/bin/python3 tests/dupcheck/dupcheck.py [--self-test] [--root REPO]  (default: this repository)
"""
import pathlib
import re
import sys

# (rule name, home file(s) relative to src/, regex, snippet of a copy the rule must catch)
RULES = [
    ("edge count R(R-1)/2 (use EdgeLayout.EdgeCount/TryNodeCount)",
     ["RealtimeDecode.Engine/Connectivity/EdgeLayout.cs"],
     r"\b(\w+)\s*\*\s*\(\s*\1\s*-\s*1\s*\)\s*/\s*2\b(?!\.)",
     "int e = roiCount * (roiCount - 1) / 2;"),
    ("upper-triangle index i(2R-i-1)/2 (use EdgeLayout.Index/RowStart)",
     ["RealtimeDecode.Engine/Connectivity/EdgeLayout.cs"],
     r"\(\s*2L?\s*\*\s*\w+\s*-\s*\w+\s*-\s*1\s*\)\s*/\s*2",
     "return i * (2 * n - i - 1) / 2 + (j - i - 1);"),
    ("edge name a~b (use EdgeLayout.Names/Name)",
     ["RealtimeDecode.Engine/Connectivity/EdgeLayout.cs"],
     r"\+\s*\"~\"\s*\+|\$\"\{[^}]+\}~\{",
     "names[k++] = roiNames[i] + \"~\" + roiNames[j];"),
    ("labels TSV reader (use AtlasLabelTable.Read)",
     ["RealtimeDecode.Imaging/AtlasLabelTable.cs"],
     r"IndexOf\(\s*\w+\s*,\s*\"(index|network)\"\s*\)",
     "int iIndex = Array.IndexOf(header, \"index\");"),
    ("Pearson / R2 / MSE (use RegressionMetrics)",
     ["RealtimeDecode.Training/Reports/RegressionMetrics.cs"],
     r"\bstatic\s+double\s+(Pearson|R2|Mse|RSquared|Correlation)\s*\(",
     "private static double Pearson(double[] x, double[] y, int[] idx)"),
    ("second regression-metrics result type (use RegressionMetrics)",
     ["RealtimeDecode.Training/Reports/RegressionMetrics.cs"],
     r"\brecord\s+(struct\s+|class\s+)?\w+\s*\([^)]*\bdouble\s+PearsonR\b",
     "public sealed record TargetScore(string Target, double R2, double MeanFoldR2, double PearsonR, double Mse);"),
    ("volume-format sniffing by extension (use VolumeFormat)",
     ["RealtimeDecode.Imaging/VolumeFormat.cs"],
     r"EndsWith\(\s*\"[^\"]*\.(nii|nii\.gz|dcm|ima|hdr)\"",
     "bool dicom = path.EndsWith(\".dcm\", StringComparison.OrdinalIgnoreCase);"),
    ("per-file run reading without the grid check (use BoldRun.ReadVolumes/VolumeReaders)",
     ["RealtimeDecode.Imaging/BoldRun.cs", "RealtimeDecode.Imaging/Nifti/NiftiReader.cs"],
     r"\bNiftiReader\.ReadVolume\(",
     "var v = NiftiReader.ReadVolume(f);"),
    ("target pairing by volume (use TargetPairing.Pair)",
     ["RealtimeDecode.Training/Datasets/TargetPairing.cs"],
     r"\b(TryAdd|ContainsKey)\(\s*[\w.]+\.Volumes\[|\w+\[\s*[\w.]+\.Volumes\[\w+\]\s*\]\s*=\s*\w+\s*;",
     "for (int i = 0; i < targets.RowCount; i++) rowOfVolume.TryAdd(targets.Volumes[i], i);"),
    ("NIfTI header offset literal (use NiftiHeaderLayout)",
     ["RealtimeDecode.Imaging/Nifti/NiftiHeaderLayout.cs"],
     r"\b(I16|I32|I64|F32|F64)\(\s*\d+\b|\b(348|540|344)\b(?!\s*[\"'])",
     "short dt = r.I16(70);"),
]

# Places where a pattern matches but the idea is another one, each with its reason.
ALLOWED = {
    ("RealtimeDecode.Training/Reports/LagAnalysis.cs", "target pairing by volume (use TargetPairing.Pair)"):
        "a dense volume -> row index to interpolate targets at fractional lags; evaluate pairs the same "
        "tables through TargetPairing first, which refuses duplicate volumes",
}

NIFTI_OFFSET_SCOPE = ("RealtimeDecode.Imaging/Nifti/", "RealtimeDecode.Engine/Ingest/")


def strip_comments(line: str) -> str:
    """Drops // and /// comments (not inside a string literal, roughly) so prose never matches."""
    in_str = False
    i = 0
    while i < len(line) - 1:
        c = line[i]
        if c == '"' and (i == 0 or line[i - 1] != '\\'):
            in_str = not in_str
        elif not in_str and c == '/' and line[i + 1] == '/':
            return line[:i]
        i += 1
    return line


def findings(rel: str, text: str):
    for name, homes, pattern, _ in RULES:
        if rel in homes or (rel, name) in ALLOWED:
            continue
        if name.startswith("NIfTI header offset") and not rel.startswith(NIFTI_OFFSET_SCOPE):
            continue
        rx = re.compile(pattern)
        for n, line in enumerate(text.splitlines(), 1):
            code = strip_comments(line)
            if name.startswith("NIfTI header offset"):
                code = re.sub(r'\$?"(?:[^"\\]|\\.)*"', '""', code)  # messages may quote 348/540
            if rx.search(code):
                yield n, name, line.strip()


def scan(root: pathlib.Path) -> int:
    src = root / "src"
    count = 0
    for path in sorted(src.rglob("*.cs")):
        rel = path.relative_to(src).as_posix()
        if "/obj/" in "/" + rel or "/bin/" in "/" + rel:
            continue
        for n, name, text in findings(rel, path.read_text(encoding="utf-8")):
            print(f"src/{rel}:{n}: {name}: {text}")
            count += 1
    if count:
        print(f"dupcheck: {count} cop{'y' if count == 1 else 'ies'} outside their home (see the rule's home in tests/dupcheck/dupcheck.py)")
        return 1
    print(f"dupcheck: no copies ({len(RULES)} rules)")
    return 0


def self_test() -> int:
    failures = 0
    for name, homes, _, snippet in RULES:
        elsewhere = "RealtimeDecode.Imaging/Nifti/Elsewhere.cs"
        if not any(f[1] == name for f in findings(elsewhere, snippet)):
            print(f"self-test: rule '{name}' misses its copy: {snippet}")
            failures += 1
        if any(f[1] == name for f in findings(homes[0], snippet)):
            print(f"self-test: rule '{name}' flags its own home {homes[0]}")
            failures += 1
        if any(f[1] == name for f in findings(elsewhere, "// " + snippet)):
            print(f"self-test: rule '{name}' flags a comment")
            failures += 1
    print(f"dupcheck self-test: {len(RULES)} rules, {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    root = pathlib.Path(__file__).resolve().parents[2]
    if "--root" in sys.argv:
        root = pathlib.Path(sys.argv[sys.argv.index("--root") + 1])
    sys.exit(self_test() if "--self-test" in sys.argv[1:] else scan(root))
