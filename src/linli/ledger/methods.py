"""How money reaches Linli: one adapter per payment method.

Today's methods are offline: the money moves outside Linli (cash at the gate, a bank
transfer, a WeChat transfer to the leader) and the leader records it, with the transfer's
reference where there is one. An online gateway (WeChat Pay, Alipay) would be an adapter that
starts a payment for the member and confirms it from the provider's signed notification;
none is implemented, because none can be reached from here and a pretend one would lie.
"""

from dataclasses import dataclass
from typing import Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .errors import NotRecordable, ReferenceRequired, UnknownMethod


class PaymentMethod(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def label(self) -> str | Promise: ...

    @property
    def recorded_by_hand(self) -> bool:
        """Recorded by a leader or an operator (True), or confirmed by the provider (False)."""
        ...

    def clean_reference(self, reference: str) -> str:
        """The reference as stored; raise an :mod:`linli.ledger.errors` error if unusable."""
        ...


@dataclass(frozen=True)
class Offline:
    code: str
    label: str | Promise
    reference_required: bool
    recorded_by_hand: bool = True

    def clean_reference(self, reference: str) -> str:
        reference = " ".join(reference.split())
        if self.reference_required and not reference:
            raise ReferenceRequired(method=self.label)
        return reference


METHODS: dict[str, PaymentMethod] = {
    method.code: method
    for method in (
        Offline("cash", _("cash"), reference_required=False),
        Offline("bank_transfer", _("bank transfer"), reference_required=True),
        Offline("wechat_transfer", _("WeChat transfer"), reference_required=False),
    )
}


def method_for(code: str, *, by_hand: bool = True) -> PaymentMethod:
    method = METHODS.get(code)
    if method is None:
        raise UnknownMethod(method=code, methods=", ".join(METHODS))
    if by_hand and not method.recorded_by_hand:
        raise NotRecordable(method=method.label)
    return method
