"""Pure decisions of the 接龙 import that are not reading text: when two nicknames are the
same one."""

import re
import unicodedata

# Marks that change how a nickname looks, not what it says: emoji variation selectors,
# zero-width spaces and joiners' neighbours, direction marks, the byte-order mark.
_INVISIBLE = re.compile("[\ufe0e\ufe0f\u200b\u200c\u200e\u200f\u2060\ufeff]")


def nickname_key(nickname: str) -> str:
    """A nickname as the nickname book compares it: full-width to half-width and other
    compatibility forms folded (NFKC), case folded, invisible marks gone, runs of spaces
    squeezed to one and trimmed. Emoji are kept: "阿芳🌸" and "阿芳" may be two neighbours.

    >>> nickname_key("  ＬＩＬＹ　 🌸\ufe0f ")
    'lily 🌸'
    """
    folded = unicodedata.normalize("NFKC", _INVISIBLE.sub("", nickname)).casefold()
    return " ".join(folded.split())
