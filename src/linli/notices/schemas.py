from datetime import datetime

from ninja import Schema
from pydantic import StrictBool

from linli.core.schemas import In, text

from .texts import shown


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    params: dict
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_title(notice) -> str:
        return shown(notice.kind, notice.params).title

    @staticmethod
    def resolve_body(notice) -> str:
        return shown(notice.kind, notice.params).body

    @staticmethod
    def resolve_link(notice) -> str:
        return shown(notice.kind, notice.params).link


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


class ChannelChoiceOut(Schema):
    channel: str
    label: str
    wanted: bool
    reaches: bool


class KindChoicesOut(Schema):
    kind: str
    label: str
    channels: list[ChannelChoiceOut]


class ChoiceIn(In):
    kind: text(24, min_length=1)
    channel: text(16, min_length=1)
    wanted: StrictBool


class PreferencesIn(In):
    choices: list[ChoiceIn]
