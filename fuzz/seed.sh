#!/usr/bin/env bash
# Seed corpora for the fuzz targets: the real signed PDFs of ../shared/corpus (other software's
# signatures, DSS, time-stamps, object streams) and the regression inputs of
# tests/data/regressions for the whole-file targets; for cms_parser the CMS blobs found in the
# `/Contents` of those PDFs; for pdf_object the indirect objects of those PDFs (the body between
# `N G obj` and `endobj`).
# Usage: fuzz/seed.sh [CORPUS_DIR]   (default: ../shared/corpus/pdfs beside the repository)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
pdfs="${1:-$repo/../shared/corpus/pdfs}"
whole_file_targets=(pdf_reader revisions verify_pipeline)
for t in "${whole_file_targets[@]}" cms_parser pdf_object; do mkdir -p "$here/corpus/$t"; done

copy_pdf() {
    local f="$1" name t
    name="$(sha256sum "$f" | cut -c1-16)"
    for t in "${whole_file_targets[@]}"; do cp -f "$f" "$here/corpus/$t/$name"; done
}

if [ -d "$pdfs" ]; then
    for f in "$pdfs"/*.pdf; do
        # libFuzzer's default -max_len is 4 KiB from the seeds' sizes; big files only slow it.
        [ "$(stat -c %s "$f")" -le 300000 ] && copy_pdf "$f"
    done
else
    echo "seed.sh: no corpus at $pdfs; seeding from the regressions only" >&2
fi
if [ -d "$repo/tests/data/regressions" ]; then
    for f in "$repo"/tests/data/regressions/*; do
        [ -f "$f" ] && copy_pdf "$f"
    done
fi

# CMS blobs: the hex string after /Contents in every /ByteRange dictionary. Objects: the bodies
# of indirect objects up to 64 KiB (streams included), at most 40 per file.
if command -v python3 >/dev/null && [ -d "$pdfs" ]; then
    python3 - "$pdfs" "$here/corpus/cms_parser" "$here/corpus/pdf_object" <<'EOF'
import hashlib, pathlib, re, sys
src, cms, objects = (pathlib.Path(a) for a in sys.argv[1:4])
def keep(folder, blob):
    (folder / hashlib.sha256(blob).hexdigest()[:16]).write_bytes(blob)
for pdf in sorted(src.glob("*.pdf")):
    data = pdf.read_bytes()
    for m in re.finditer(rb"/Contents\s*<([0-9A-Fa-f\s]{200,})>", data):
        blob = bytes.fromhex(re.sub(rb"\s", b"", m.group(1)).decode())
        keep(cms, blob.rstrip(b"\0") or blob)
    found = re.finditer(rb"\d+\s+\d+\s+obj\b(.{1,65536}?)\bendobj", data, re.S)
    for _, m in zip(range(40), found):
        keep(objects, m.group(1).strip())
EOF
fi
for t in "${whole_file_targets[@]}" cms_parser pdf_object; do
    echo "$t: $(ls "$here/corpus/$t" | wc -l) seeds" >&2
done
