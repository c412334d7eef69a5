"""Read Reel's section files (silver tables, model factors, releases) from Python with numpy.

The container is described in docs/silver-format.md ("The container"): a 128-byte header, sections
aligned to 64 bytes, a table of contents of 64-byte entries and a 32-byte footer. Sections are
returned as read-only numpy.memmap views, so nothing is copied until it is used. The benchmark
peers read the same bytes Reel reads; they check the framing (magic, sizes, offsets) but not the
xxh3 checksums, which Reel itself verified when it wrote the file.
"""
import struct

import numpy as np

HEADER, TOC_ENTRY, FOOTER = 128, 64, 32
DTYPES = {"userIDs": "<i4", "movieIDs": "<i4", "ids": "<i4", "userFactors": "<f4", "movieFactors": "<f4",
          "userOffsets": "<i8", "userMovies": "<i4", "userRatings": "<f4", "userTimes": "<i8",
          "userTopMovies": "<i4", "userTopScores": "<f4"}


class SectionFile:
    def __init__(self, path, magic=None):
        self.path = path
        self.raw = np.memmap(path, dtype=np.uint8, mode="r")
        head = bytes(self.raw[:HEADER])
        self.magic = head[:8].decode("ascii", "replace")
        if magic and self.magic != magic:
            raise ValueError(f"{path}: magic {self.magic!r}, expected {magic!r}")
        count, = struct.unpack_from("<I", head, 16)
        toc, size = struct.unpack_from("<QQ", head, 48)
        if size != len(self.raw) or bytes(self.raw[size - FOOTER:size - FOOTER + 8]) != b"REELEND\0":
            raise ValueError(f"{path}: truncated or not a section file")
        self.user_words = struct.unpack_from("<8Q", head, 64)
        self.sections = {}
        for i in range(count):
            entry = bytes(self.raw[toc + i * TOC_ENTRY:toc + (i + 1) * TOC_ENTRY])
            name = entry[:16].rstrip(b"\0").decode("ascii")
            offset, length, n, elem = struct.unpack_from("<QQQI", entry, 16)
            if offset + length > toc:
                raise ValueError(f"{path}: section {name} points outside the file")
            self.sections[name] = (offset, length, n, elem)

    def array(self, name, dtype=None):
        """Section `name` as a 1-D array of `dtype` (default: from DTYPES, else bytes)."""
        offset, length, n, elem = self.sections[name]
        dt = np.dtype(dtype or DTYPES.get(name, "u1"))
        if dt.itemsize != elem:
            raise ValueError(f"{self.path}: section {name} has {elem}-byte elements, not {dt}")
        return self.raw[offset:offset + length].view(dt)
