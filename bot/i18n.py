"""The language of a public page and its translations.

The site is offered in :data:`LANGUAGES`. A request's language is the visitor's explicit choice
(the ``lang`` cookie, set by the switch link ``/language/<code>``), else the best match of the
browser's ``Accept-Language`` (negotiated by Babel, so "zh-CN" and "zh-Hans" are served "zh"),
else English. :func:`request_language` says which; the chat gateway asks it too.

The page words are gettext catalogs, one per language, at
``locales/<language>/LC_MESSAGES/web.po`` (the msgids are the English words of the templates;
``babel.cfg`` tells ``pybabel extract`` where they are). :func:`load_translations` reads each
catalog with Babel and compiles it in memory when the app starts, so no ``.mo`` file is generated
or needed. The Jinja2 environment is shared by every request, so the translations are never
installed into it: :func:`template_context` hands each page the ``gettext``, ``ngettext``,
``pgettext`` and ``_`` of its own language, with the semantics of Jinja2's "newstyle" gettext
(autoescaped, and ``%(name)s`` filled from keyword arguments).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import negotiate_locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.requests import Request

#: The language of the msgids, served when nothing else is asked for.
DEFAULT_LANGUAGE = "en"
#: The gettext domain of the website's catalogs.
DOMAIN = "web"
LOCALES = Path(__file__).resolve().parents[1] / "locales"


def site_languages(locales: Path = LOCALES) -> tuple[str, ...]:
    """The page languages, the default first: every locale folder with a catalog of page words
    (``locales/<language>/LC_MESSAGES/web.po``), so a language is added by adding its files."""
    found = sorted(path.parents[1].name for path in locales.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (DEFAULT_LANGUAGE, *(code for code in found if code != DEFAULT_LANGUAGE))


#: The page languages, the default first.
LANGUAGES: tuple[str, ...] = site_languages()
#: The cookie that keeps a visitor's explicit choice.
COOKIE = "lang"
#: A year: the choice outlives the browser session.
COOKIE_MAX_AGE = 365 * 24 * 3600
#: Where the switch links go: ``/language/<code>?next=<this page>``.
SWITCH_PATH = "/language/"


class UnknownLanguage(ValueError):
    """A language code that is not one of :data:`LANGUAGES`."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    def __str__(self) -> str:
        return (f"{self.code!r} is not a language of this site; "
                f"the languages are {', '.join(LANGUAGES)}")


def checked_language(code: str) -> str:
    """``code`` if it is a language of the site (case aside); :class:`UnknownLanguage` if not."""
    language = code.strip().lower()
    if language not in LANGUAGES:
        raise UnknownLanguage(code)
    return language


def catalog_path(language: str, locales: Path = LOCALES) -> Path:
    return locales / language / "LC_MESSAGES" / f"{DOMAIN}.po"


# -- which language --------------------------------------------------------------------------

def accepted_languages(header: str | None) -> list[str]:
    """The language tags of an ``Accept-Language`` header, most wanted first (RFC 9110 §12.5.4).

    Tags with ``q=0`` (not acceptable) and entries whose weight is not a number are left out; tags
    of equal weight keep the header's order.
    """
    weighted = []
    for position, entry in enumerate((header or "").split(",")):
        tag, *parameters = (part.strip() for part in entry.split(";"))
        if not tag or tag == "*":
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = -1.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def negotiated_language(header: str | None) -> str:
    """The site language that best fits an ``Accept-Language`` header; English if none does."""
    preferred = accepted_languages(header)
    return negotiate_locale(preferred, LANGUAGES, sep="-") or DEFAULT_LANGUAGE


def request_language(request: Request) -> str:
    """The language to serve ``request`` in: the ``lang`` cookie's (if it names a language of the
    site), else the one ``Accept-Language`` negotiates, else English."""
    chosen = request.cookies.get(COOKIE)
    if chosen:
        try:
            return checked_language(chosen)
        except UnknownLanguage:
            pass  # a stale or forged cookie: the browser's own preference decides
    return negotiated_language(request.headers.get("accept-language"))


# -- the catalogs ----------------------------------------------------------------------------

def read_catalog(language: str, locales: Path = LOCALES) -> Catalog:
    path = catalog_path(language, locales)
    if not path.is_file():
        raise FileNotFoundError(f"no catalog of page words for {language!r} at {path}: create it "
                                "with `pybabel init` (see README, 'Adding a language')")
    with path.open("rb") as file:
        return read_po(file, locale=language, domain=DOMAIN)


def compiled(catalog: Catalog) -> Translations:
    """``catalog`` compiled in memory into gettext translations (fuzzy entries are left out)."""
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def load_translations(locales: Path = LOCALES) -> dict[str, Translations]:
    """Every site language's translations, compiled from its catalog."""
    return {language: compiled(read_catalog(language, locales)) for language in LANGUAGES}


# -- what a template gets ----------------------------------------------------------------------

def _finish(context: Context, text: str, variables: dict) -> str:
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def _newstyle(translations: Translations) -> dict[str, Callable[..., str]]:
    """The gettext functions of ``translations`` as Jinja2's "newstyle" gettext: a translation is
    marked safe when the template autoescapes, and keyword arguments fill its ``%(name)s``
    placeholders (escaped; ngettext fills ``%(num)s`` too), as Jinja2's own
    ``install_gettext_translations(..., newstyle=True)`` does for a whole environment."""

    @pass_context
    def gettext(__context: Context, __string: str, **variables) -> str:
        return _finish(__context, __context.call(translations.gettext, __string), variables)

    @pass_context
    def ngettext(__context: Context, __singular: str, __plural: str, __num: int,
                 **variables) -> str:
        variables.setdefault("num", __num)
        text = __context.call(translations.ngettext, __singular, __plural, __num)
        return _finish(__context, text, variables)

    @pass_context
    def pgettext(__context: Context, __string_ctx: str, __string: str, **variables) -> str:
        text = __context.call(translations.pgettext, __string_ctx, __string)
        return _finish(__context, text, variables)

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext, "pgettext": pgettext}


def page_words(translations: Mapping[str, Translations]) -> dict[str, dict]:
    """The template functions of each language, made once when the app starts."""
    return {language: _newstyle(t) for language, t in translations.items()}


@lru_cache(maxsize=1)
def language_names() -> dict[str, str]:
    """Each language's own name for itself ("English", "中文"), from CLDR through Babel."""
    return {code: Locale.parse(code).get_display_name(code) for code in LANGUAGES}


def N_(msgid: str) -> str:  # noqa: N802 (the name `pybabel extract` looks for)
    """Marks a word for the catalogs that is said later, where the page's language is known."""
    return msgid


def request_translations(request: Request) -> Translations:
    """The translations of ``request``'s language (``app.state.translations``), for words made
    outside a template: a CSV file's column names, a chart's labels."""
    return request.app.state.translations[request_language(request)]


@lru_cache(maxsize=64)
def language_name(code: str, language: str) -> str:
    """The name of the language ``code`` in ``language`` ("Chinese", "英语"), from CLDR through
    Babel; the code itself when CLDR has no such language."""
    try:
        return Locale.parse(code).get_display_name(language) or code
    except (ValueError, UnknownLocaleError):
        return code


def template_context(request: Request) -> dict:
    """What a page's template needs for its language: the language, the switch's names (each
    language in itself), each language's name in the page's language (``language_names_here``:
    the staff console names a conversation's language so) and the gettext functions of that
    language (``app.state.page_words``, see :func:`page_words`)."""
    language = request_language(request)
    return {"page_language": language, "language_names": language_names(),
            "language_names_here": {code: language_name(code, language) for code in LANGUAGES},
            "switch_back": switch_back(request), **request.app.state.page_words[language]}


def switch_back(request: Request) -> str:
    """The page the switch returns to: this one, unless this is the switch's own refusal."""
    path = request.url.path
    return "/" if path.startswith(SWITCH_PATH) else path
