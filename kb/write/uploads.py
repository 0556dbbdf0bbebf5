"""Uploaded images (a media object's frame or thumbnail): checked, re-encoded and stored by content hash.

Nothing a client sends is stored or served as sent. The bytes are refused when they are over the
size limit (413), when their content — never their name or declared type — is not a JPEG, PNG, GIF
or WebP image (415), or when the image has more pixels than the limit, which is what a decompression
bomb is (413: Pillow's ``DecompressionBombWarning``/``DecompressionBombError`` and our own limit).
An accepted image is decoded and drawn again into a new image from its pixels alone, so no EXIF
(GPS position, camera, owner), XMP, IPTC, ICC profile or comment can survive, and saved as JPEG
(photos) or PNG (everything else). The file is named by the SHA-256 of what we wrote and written
atomically, so several hosts sharing the directory (``CLAIMKB_MEDIA_DIR``) can store the same
image at once without harm.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from kb import settings
from kb.errors import KBError

# The types we take, by Pillow's format name (found from the content), and what we store them as.
ACCEPTED = ("JPEG", "PNG", "GIF", "WEBP")
STORED_AS = {"JPEG": ("JPEG", "jpg")}  # everything else becomes PNG (lossless, and no animation)
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
NAME_RE = re.compile(r"^[0-9a-f]{64}\.(jpg|png)$")
LONGEST_SIDE = 2000  # pixels: a frame or thumbnail needs no more; larger ones are scaled down
JPEG_QUALITY = 85
DEFAULT_MAX_BYTES = 1_000_000
DEFAULT_MAX_PIXELS = 25_000_000


class UploadRefused(KBError):
    """An upload that may not be stored: ``details["fields"]`` names the field, as a form shows it."""

    title = "Upload refused"

    def __init__(self, field: str, message: str, status: int) -> None:
        super().__init__(message, status=status, details={"fields": {field: [message]}})


@dataclass(frozen=True)
class CleanImage:
    """An image as we store it: re-encoded bytes, their file name (``<sha256>.<ext>``) and size."""

    data: bytes
    name: str
    width: int
    height: int

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.name.rsplit(".", 1)[1]]


class Uploads:
    """The directory of uploaded files, with the limits an upload must keep."""

    def __init__(
        self, directory: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pixels: int = DEFAULT_MAX_PIXELS
    ) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels

    @classmethod
    def from_settings(cls, values: Mapping[str, str]) -> Uploads:
        return cls(
            settings.media_dir(values),
            max_bytes=settings.whole_number(values, "media_max_bytes"),
            max_pixels=settings.whole_number(values, "media_max_pixels"),
        )

    def clean(self, data: bytes, field: str = "thumbnail") -> CleanImage:
        """``data`` re-encoded without metadata; ``UploadRefused`` when it may not be stored."""
        if len(data) > self.max_bytes:
            raise UploadRefused(
                field,
                f"The file is {len(data):,} bytes; an upload may be at most {self.max_bytes:,} bytes. "
                "Nothing was saved.",
                413,
            )
        # Image.open reads the header only; our limit is checked before any pixel is decoded. Pillow's
        # own check stays behind it: past Image.MAX_IMAGE_PIXELS it warns (an error where warnings are
        # errors), past twice that it raises. The warnings filters are left alone: they are the whole
        # process's, and other threads serve other requests meanwhile.
        try:
            with Image.open(io.BytesIO(data), formats=ACCEPTED) as image:
                self._check_pixels(image.size, field)
                image.load()
                return self._reencode(image)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise self._too_many_pixels(field, None) from None
        except UnidentifiedImageError:
            raise UploadRefused(
                field,
                "The file's content is not a JPEG, PNG, GIF or WebP image (its name or declared type does "
                "not count). Nothing was saved.",
                415,
            ) from None
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            # A truncated or corrupt image of an accepted type: Pillow's own wording is not for readers.
            raise UploadRefused(
                field, "The image is damaged or cut short and cannot be read. Nothing was saved.", 422
            ) from error

    def _check_pixels(self, size: tuple[int, int], field: str) -> None:
        width, height = size
        if width * height > self.max_pixels:
            raise self._too_many_pixels(field, size)

    def _too_many_pixels(self, field: str, size: tuple[int, int] | None) -> UploadRefused:
        shown = f" ({size[0]:,} × {size[1]:,})" if size else ""
        return UploadRefused(
            field,
            f"The image has too many pixels{shown}; at most {self.max_pixels:,} are taken (a small file "
            "that opens into a huge image is a decompression bomb). Nothing was saved.",
            413,
        )

    def _reencode(self, image: Image.Image) -> CleanImage:
        source_format = image.format or "PNG"
        # Turn the picture upright by its EXIF orientation before the EXIF goes.
        upright = ImageOps.exif_transpose(image) or image
        if source_format == "JPEG":
            mode = "RGB" if upright.mode not in ("L", "RGB") else upright.mode
        else:
            mode = "RGBA" if upright.mode in ("RGBA", "LA", "P", "PA") or "transparency" in upright.info else "RGB"
            mode = "L" if upright.mode in ("1", "L") else mode
        converted = upright.convert(mode)
        # A new image made of the pixels alone: no info, EXIF, XMP, ICC profile or text chunk comes along.
        clean = Image.frombytes(converted.mode, converted.size, converted.tobytes())
        if max(clean.size) > LONGEST_SIDE:
            clean.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
        pillow_format, extension = STORED_AS.get(source_format, ("PNG", "png"))
        buffer = io.BytesIO()
        if pillow_format == "JPEG":
            clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
        else:
            clean.save(buffer, "PNG")  # zlib level 6: "optimize" (level 9) took several times longer
        data = buffer.getvalue()
        name = f"{hashlib.sha256(data).hexdigest()}.{extension}"
        return CleanImage(data=data, name=name, width=clean.width, height=clean.height)

    def path(self, name: str) -> Path | None:
        """Where the file ``name`` is kept (``None`` for a name we would never have made)."""
        if not NAME_RE.match(name):
            return None
        return self.directory / name[:2] / name

    def store(self, image: CleanImage) -> Path:
        """Write ``image`` under its name (nothing to do if it is there already)."""
        path = self.path(image.name)
        assert path is not None
        if path.exists():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its place and renamed into it: a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(image.data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return path
