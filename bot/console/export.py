"""CSV and JSON downloads, with cells that a spreadsheet would run as formulas defused.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with a
single quote (OWASP's advice on CSV injection), so a chat message such as ``=HYPERLINK(...)``
opens in a spreadsheet as text. Numbers are written as they are.

A CSV file starts with the UTF-8 byte order mark (EF BB BF): Excel opens a CSV file without it
in the system's own code page, which garbles every Chinese message, and one with it as UTF-8
(https://donatstudios.com/CSV-An-Encoding-Nightmare, 2022 update). Python's ``utf-8-sig`` codec
reads the file without the mark.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

from babel.support import NullTranslations
from fastapi.responses import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The byte order mark that tells a spreadsheet program the file is UTF-8.
BOM = "\ufeff"
#: The catalogs' context of a CSV column's name. In English the name is the column's key, the same
#: as the JSON export's; other languages name it in words.
CSV_COLUMN = "CSV column"
_MARK = NullTranslations()
#: Every CSV download's column keys, marked for `pybabel extract` (each as a literal call).
COLUMN_KEYS = (
    _MARK.pgettext("CSV column", "conversation_id"),
    _MARK.pgettext("CSV column", "started"),
    _MARK.pgettext("CSV column", "last"),
    _MARK.pgettext("CSV column", "audience"),
    _MARK.pgettext("CSV column", "client_id"),
    _MARK.pgettext("CSV column", "language"),
    _MARK.pgettext("CSV column", "stage"),
    _MARK.pgettext("CSV column", "user_messages"),
    _MARK.pgettext("CSV column", "fallback"),
    _MARK.pgettext("CSV column", "handoff"),
    _MARK.pgettext("CSV column", "rating"),
    _MARK.pgettext("CSV column", "recommendations"),
    _MARK.pgettext("CSV column", "flagged"),
    _MARK.pgettext("CSV column", "reviewed"),
    _MARK.pgettext("CSV column", "tags"),
    _MARK.pgettext("CSV column", "first_message"),
    _MARK.pgettext("CSV column", "time"),
    _MARK.pgettext("CSV column", "kind"),
    _MARK.pgettext("CSV column", "text"),
    _MARK.pgettext("CSV column", "intent"),
    _MARK.pgettext("CSV column", "confidence"),
    _MARK.pgettext("CSV column", "name"),
    _MARK.pgettext("CSV column", "value"),
    _MARK.pgettext("CSV column", "buttons"),
    _MARK.pgettext("CSV column", "day"),
    _MARK.pgettext("CSV column", "conversations"),
    _MARK.pgettext("CSV column", "conversations_with_messages"),
    _MARK.pgettext("CSV column", "fallback_rate"),
    _MARK.pgettext("CSV column", "ratings"),
    _MARK.pgettext("CSV column", "average_rating"),
    _MARK.pgettext("CSV column", "step"),
    _MARK.pgettext("CSV column", "prospects"),
    _MARK.pgettext("CSV column", "share_of_started"),
    _MARK.pgettext("CSV column", "clients"),
    _MARK.pgettext("CSV column", "offer"),
    _MARK.pgettext("CSV column", "made"),
    _MARK.pgettext("CSV column", "accepted"),
    _MARK.pgettext("CSV column", "reason"),
    _MARK.pgettext("CSV column", "interviews"),
)


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, list | dict):
        return safe_cell(json.dumps(value, ensure_ascii=False))
    return value


def column_names(columns: Sequence[str], words: NullTranslations) -> list[str]:
    """The CSV header of ``columns`` in the language of ``words``."""
    return [words.pgettext(CSV_COLUMN, key) for key in columns]


def csv_response(columns: Sequence[str], rows: Iterable[Sequence[object]], filename: str) -> Response:
    """A CSV download, UTF-8 with a byte order mark, its cells defused (see the module's notes)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return Response(buffer.getvalue().encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


def json_response(data: object, filename: str) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=1, default=str),
                    media_type="application/json",
                    headers={"content-disposition": f'attachment; filename="{filename}"'})
