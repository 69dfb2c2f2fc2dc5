"""Benchmark inputs: plain PDF 1.7 files with a classic cross-reference table, streamed to disk.

    make_input.py text OUT PAGES PAGE_BYTES
        PAGES pages of text, each content stream about PAGE_BYTES long (uncompressed, so the
        file size is what the table says: 100 pages x 10 000 bytes is the "1 MB 100-page" input).
    make_input.py images OUT TOTAL_BYTES
        A scanned-document stand-in: one page per 5 MB grey image of incompressible bytes
        (the last page takes the rest), so the file is TOTAL_BYTES of image data plus a little.

Written here, not by Kyso, so that the inputs of every tool come from an independent writer.
"""

import os
import sys

LINE = b"BT /F1 11 Tf 56 %d Td (Ban hanh van ban so %05d - dong %03d: noi dung kiem thu.) Tj ET\n"
IMAGE_CHUNK = 5_000_000
IMAGE_WIDTH = 2000


class Writer:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.pos = 0
        self.offsets = {}
        self.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def write(self, data):
        self.f.write(data)
        self.pos += len(data)

    def obj(self, number, body):
        self.offsets[number] = self.pos
        self.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def stream(self, number, head, chunks, length):
        self.offsets[number] = self.pos
        self.write(b"%d 0 obj\n<< %s /Length %d >>\nstream\n" % (number, head, length))
        for chunk in chunks:
            self.write(chunk)
        self.write(b"\nendstream\nendobj\n")

    def finish(self, root):
        size = max(self.offsets) + 1
        xref = self.pos
        self.write(b"xref\n0 %d\n0000000000 65535 f\r\n" % size)
        for n in range(1, size):
            self.write(b"%010d 00000 n\r\n" % self.offsets[n])
        self.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref))
        self.f.close()


def page_text(index, page_bytes):
    lines, n = [], 0
    while sum(map(len, lines)) < page_bytes:
        lines.append(LINE % (800 - 14 * (n % 55), index, n))
        n += 1
    return b"".join(lines)


def write(path, contents):
    """contents: per page, either ("text", bytes) or ("image", length)."""
    w = Writer(path)
    # 1 catalog, 2 pages, 3 font, then per page: page, content (and image).
    pages, number = [], 4
    for kind, payload in contents:
        page, content = number, number + 1
        number += 2
        if kind == "text":
            w.stream(content, b"", [payload], len(payload))
            resources = b"/Font << /F1 3 0 R >>"
        else:
            image = number
            number += 1
            height = max(1, payload // IMAGE_WIDTH)
            length = IMAGE_WIDTH * height
            chunks = (os.urandom(min(1 << 20, length - i)) for i in range(0, length, 1 << 20))
            w.stream(
                image,
                b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8" % (IMAGE_WIDTH, height),
                chunks,
                length,
            )
            draw = b"q 483 0 0 %d 56 60 cm /Im0 Do Q\n" % min(720, max(1, height * 483 // IMAGE_WIDTH))
            w.stream(content, b"", [draw], len(draw))
            resources = b"/XObject << /Im0 %d 0 R >>" % image
        w.obj(
            page,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << %s >> "
            b"/Contents %d 0 R >>" % (resources, content),
        )
        pages.append(page)
    kids = b" ".join(b"%d 0 R" % p for p in pages)
    w.obj(2, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)))
    w.obj(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>")
    w.obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    w.finish(1)


def main(argv):
    kind, out = argv[1], argv[2]
    if kind == "text":
        pages, page_bytes = int(argv[3]), int(argv[4])
        write(out, [("text", page_text(i, page_bytes)) for i in range(pages)])
    elif kind == "images":
        total = int(argv[3])
        sizes = [IMAGE_CHUNK] * (total // IMAGE_CHUNK)
        if total % IMAGE_CHUNK or not sizes:
            sizes.append(max(IMAGE_WIDTH, total % IMAGE_CHUNK))
        write(out, [("image", s) for s in sizes])
    else:
        sys.exit(f"unknown kind {kind}")


if __name__ == "__main__":
    main(sys.argv)
