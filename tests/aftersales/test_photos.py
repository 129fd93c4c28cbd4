"""Photos are decoded, re-encoded from their pixels alone and refused when they are not what
they say."""

import io

import pytest
from PIL import Image

from linli.aftersales import errors, photos

from .. import factories


def clean(data: bytes, content_type: str, name: str = "p"):
    return photos.clean(photos.Upload(name=name, content_type=content_type, data=data))


def exif_with_gps_and_orientation() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to show upright
    exif[0x010F] = "SecretCam"  # make
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPS
    return exif.tobytes()


def test_metadata_is_dropped_and_the_photo_turned_upright():
    sent = factories.photo_bytes("JPEG", (64, 48), exif=exif_with_gps_and_orientation())
    assert b"SecretCam" in sent
    kept = clean(sent, "image/jpeg")
    assert b"SecretCam" not in kept.data and b"Exif" not in kept.data
    assert (kept.content_type, kept.extension, kept.width, kept.height) == (
        "image/jpeg",
        "jpg",
        48,
        64,
    )
    with Image.open(io.BytesIO(kept.data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


@pytest.mark.parametrize(
    ("image_format", "content_type", "extension"),
    [("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp"), ("JPEG", "image/jpg", "jpg")],
)
def test_png_webp_and_jpeg_are_taken_in_their_own_format(image_format, content_type, extension):
    kept = clean(factories.photo_bytes(image_format), content_type)
    assert kept.extension == extension
    with Image.open(io.BytesIO(kept.data)) as image:
        assert image.format == image_format
        assert image.size == (64, 48)


def test_a_large_photo_is_kept_at_2048_pixels_at_most():
    kept = clean(factories.photo_bytes("PNG", (4000, 1000)), "image/png")
    assert (kept.width, kept.height) == (2048, 512)


def test_a_gif_an_svg_and_a_decompression_bomb_are_refused():
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    with pytest.raises(errors.NotAnImage):
        clean(gif.getvalue(), "image/gif", "a.gif")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(errors.NotAnImage):
        clean(svg, "image/svg+xml", "a.svg")
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, "PNG")  # small file, 100 million pixels
    assert len(bomb.getvalue()) < photos.MAX_PHOTO_BYTES
    with pytest.raises(errors.NotAnImage):
        clean(bomb.getvalue(), "image/png", "bomb.png")


def test_a_truncated_photo_is_refused():
    with pytest.raises(errors.NotAnImage):
        clean(factories.photo_bytes("JPEG")[:200], "image/jpeg")


def test_names_in_messages_are_short_and_printable():
    assert photos.shown_name("C:\\Users\\x\\IMG_0001.JPG") == "IMG_0001.JPG"
    assert photos.shown_name("a\x00b\nc.jpg") == "abc.jpg"
    assert photos.shown_name("") == "?"
