"""Where prepared copies are kept: Django's default storage, under ``privacy/``, each under a
random name, handed out only by the views that check who asks."""

import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet

from .models import DataCopy


def save(household_id: int, content: bytes) -> str:
    wanted = f"privacy/{household_id}/{secrets.token_hex(16)}.zip"
    return default_storage.save(wanted, ContentFile(content))


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def delete(name: str) -> None:
    default_storage.delete(name)


def drop_files(copies: QuerySet[DataCopy]) -> int:
    """Forget the copies' files (their rows stay); the files go once this commits."""
    names = [name for name in copies.values_list("stored_as", flat=True) if name]
    copies.update(stored_as="")
    if names:
        transaction.on_commit(lambda: _delete_all(names))
    return len(names)


def _delete_all(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
