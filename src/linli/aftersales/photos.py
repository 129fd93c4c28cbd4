"""Photos a member sends with a report: checked, re-encoded, stored, and handed back.

A photo is taken only if Pillow decodes it as a JPEG, PNG or WebP image of at most
:data:`~.limits.MAX_PHOTO_BYTES` bytes and :data:`~.limits.MAX_PHOTO_PIXELS` pixels, and the
type it was sent as agrees with what it is. It is then drawn again from its pixels alone
(turned upright by its EXIF orientation first) and saved in its own format: no metadata
(EXIF, GPS, comments, ICC text) and nothing but pixels survives. Files go through Django's
storage API (``default_storage``, ``MEDIA_ROOT`` under ``var/``) under a random name, and are
served only by a view that checks who asks (:func:`response`).
"""

import io
import secrets
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from PIL import Image, ImageOps, UnidentifiedImageError

from . import errors
from .limits import KEEP_PHOTO_SIDE, MAX_PHOTO_BYTES, MAX_PHOTO_PIXELS, MAX_PHOTOS

#: Pillow's format → (content type, extension) of the formats taken.
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
CONTENT_TYPES = {content_type for content_type, _ext in FORMATS.values()} | {"image/jpg"}


@dataclass(frozen=True)
class Upload:
    """A file as sent: its name, the type it was sent as, and its bytes."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Clean:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def shown_name(name: str) -> str:
    """A file's name as a message shows it: its last part, short, printable."""
    tail = name.replace("\\", "/").rsplit("/", 1)[-1]
    tail = "".join(ch for ch in tail if ch.isprintable())[:60]
    return tail or "?"


def check_count(count: int) -> None:
    if count > MAX_PHOTOS:
        raise errors.TooManyPhotos(most=MAX_PHOTOS)


def clean(upload: Upload) -> Clean:
    """The photo re-encoded from its pixels, or a refusal naming the file."""
    name = shown_name(upload.name)
    if len(upload.data) > MAX_PHOTO_BYTES:
        raise errors.PhotoTooLarge(name=name, mb=MAX_PHOTO_BYTES // (1024 * 1024))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(upload.data), formats=list(FORMATS)) as image:
                found = image.format or ""
                if image.width * image.height > MAX_PHOTO_PIXELS:
                    raise errors.NotAnImage(name=name)
                image.load()
                picture = ImageOps.exif_transpose(image)
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        EOFError,
    ) as error:
        raise errors.NotAnImage(name=name) from error
    content_type, extension = FORMATS[found]
    declared = upload.content_type.split(";", 1)[0].strip().lower()
    if declared == "image/jpg":
        declared = "image/jpeg"
    if declared != content_type:
        raise errors.WrongImageType(
            name=name, actual=extension.upper().replace("JPG", "JPEG"), declared=declared or "?"
        )
    return _reencoded(picture, found, content_type, extension)


def _reencoded(picture: Image.Image, found: str, content_type: str, extension: str) -> Clean:
    keep_alpha = found != "JPEG" and ("A" in picture.getbands() or picture.mode == "P")
    mode = "RGBA" if keep_alpha else ("L" if picture.mode in ("1", "L", "I;16", "I") else "RGB")
    pixels = picture.convert(mode)
    pixels.thumbnail((KEEP_PHOTO_SIDE, KEEP_PHOTO_SIDE))
    # Drawn again from the pixels alone: nothing of the file's metadata comes along.
    bare = Image.new(mode, pixels.size)
    bare.paste(pixels)
    out = io.BytesIO()
    if found == "JPEG":
        bare.save(out, "JPEG", quality=85, optimize=True)
    elif found == "PNG":
        bare.save(out, "PNG", optimize=True)
    else:
        bare.save(out, "WEBP", quality=85)
    return Clean(out.getvalue(), content_type, extension, bare.width, bare.height)


def store(report_id: int, photo: Clean) -> str:
    """Save ``photo`` through the default storage; returns the name it is stored under."""
    wanted = f"aftersales/{report_id}/{secrets.token_hex(12)}.{photo.extension}"
    return default_storage.save(wanted, ContentFile(photo.data))


def delete(names: list[str]) -> None:
    """Take stored files away again (the report they were for was not saved)."""
    for name in names:
        default_storage.delete(name)


def response(*, name: str, content_type: str, shown_as: str) -> HttpResponse:
    """A stored photo, handed out inline with its own type; browsers may not guess another
    (``nosniff``), no script runs in it (a sandboxing CSP), and it is kept private."""
    with default_storage.open(name, "rb") as stored:
        body = stored.read()
    answer = HttpResponse(body, content_type=content_type)
    answer["X-Content-Type-Options"] = "nosniff"
    answer["Content-Disposition"] = f'inline; filename="{shown_as}"'
    answer["Content-Security-Policy"] = "default-src 'none'; sandbox"
    answer["Cache-Control"] = "private, max-age=3600"
    return answer
