#!/usr/bin/env bash
# Seed corpora for the fuzz targets: the real signed PDFs of ../shared/corpus (other software's
# signatures, DSS, time-stamps, object streams), the regression inputs of tests/data/regressions,
# and for cms_parser the CMS blobs found in the `/Contents` of those PDFs.
# Usage: fuzz/seed.sh [CORPUS_DIR]   (default: ../shared/corpus/pdfs beside the repository)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
pdfs="${1:-$repo/../shared/corpus/pdfs}"
mkdir -p "$here/corpus/pdf_reader" "$here/corpus/verify_pipeline" "$here/corpus/cms_parser"

copy_pdf() {
    local f="$1" name
    name="$(sha256sum "$f" | cut -c1-16)"
    cp -f "$f" "$here/corpus/pdf_reader/$name"
    cp -f "$f" "$here/corpus/verify_pipeline/$name"
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

# CMS blobs: the hex string after /Contents in every /ByteRange dictionary.
if command -v python3 >/dev/null && [ -d "$pdfs" ]; then
    python3 - "$pdfs" "$here/corpus/cms_parser" <<'PY'
import hashlib, pathlib, re, sys
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for pdf in sorted(src.glob("*.pdf")):
    data = pdf.read_bytes()
    for m in re.finditer(rb"/Contents\s*<([0-9A-Fa-f\s]{200,})>", data):
        blob = bytes.fromhex(re.sub(rb"\s", b"", m.group(1)).decode())
        blob = blob.rstrip(b"\0") or blob
        (out / hashlib.sha256(blob).hexdigest()[:16]).write_bytes(blob)
PY
fi
for t in pdf_reader verify_pipeline cms_parser; do
    echo "$t: $(ls "$here/corpus/$t" | wc -l) seeds" >&2
done
