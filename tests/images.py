"""Tiny images made with Pillow for the upload tests: plain, carrying EXIF/GPS or XMP, of a type we do
not take, and forged so that a few bytes claim a huge image (a decompression bomb)."""

from __future__ import annotations

import io
import os
import struct
import zlib

from PIL import Image, PngImagePlugin

GPS_IFD = 0x8825
ARTIST = 0x013B


def image_bytes(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png(size: tuple[int, int] = (8, 6), colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    return image_bytes(Image.new("RGB", size, colour), "PNG")


def noisy_png(side: int) -> bytes:
    """A PNG that does not compress: about 3 × side² bytes."""
    return image_bytes(Image.frombytes("RGB", (side, side), os.urandom(3 * side * side)), "PNG")


def jpeg_with_gps() -> bytes:
    """A JPEG whose EXIF names an artist and a GPS position (52°N 13°E)."""
    exif = Image.Exif()
    exif[ARTIST] = "Made-up Photographer"
    exif[GPS_IFD] = {1: "N", 2: (52.0, 31.0, 0.0), 3: "E", 4: (13.0, 24.0, 0.0)}
    return image_bytes(Image.new("RGB", (16, 12), (20, 120, 200)), "JPEG", exif=exif.tobytes())


def png_with_xmp() -> bytes:
    """A PNG with an XMP packet and a text comment in its chunks."""
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", '<x:xmpmeta xmlns:x="adobe:ns:meta/">made-up owner</x:xmpmeta>')
    info.add_text("Comment", "made-up secret comment")
    return image_bytes(Image.new("RGBA", (10, 10), (0, 200, 0, 128)), "PNG", pnginfo=info)


def tiff() -> bytes:
    """A real image, of a type we do not take."""
    return image_bytes(Image.new("RGB", (4, 4)), "TIFF")


def forged_png(width: int, height: int) -> bytes:
    """A small valid PNG whose header then claims ``width`` × ``height`` pixels (its CRC made to match)."""
    data = bytearray(png((4, 4)))
    # Signature (8 bytes), then the IHDR chunk: length (4), type (4), width (4), height (4)...
    data[16:24] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF
    data[29:33] = struct.pack(">I", crc)
    return bytes(data)
