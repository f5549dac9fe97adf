"""What clients type, in the script the locale files are written in.

The Chinese words the actions look for (locales/zh/*.yml) are in simplified characters; a client
who writes traditional characters (繁體, "手續費太貴") means the same words. :func:`simplified`
converts such text with OpenCC's traditional-to-simplified table, phrase by phrase ("頭髮" ->
"头发", "發財" -> "发财"), and leaves text without CJK characters as it is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from opencc import OpenCC

#: CJK ideographs (unified, extension A, compatibility): the characters OpenCC may change.
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _to_simplified() -> OpenCC:
    return OpenCC("t2s")


@lru_cache(maxsize=1024)
def simplified(text: str) -> str:
    """``text`` with traditional Chinese characters written as simplified ones; text without
    CJK ideographs is returned unchanged."""
    if not _IDEOGRAPH.search(text):
        return text
    return _to_simplified().convert(text)
