"""Six-digit codes of securities listed in Shanghai and Shenzhen, told from sums of money.

Both the engine's number readers (no amount is read from a code) and the intent classifier of the
NLU pipeline (a code is one token, not a number) use this rule, in their two environments, so it
lives here: plain Python that imports nothing of ours and nothing outside the standard library.
"""

from __future__ import annotations

import re

#: Six-digit codes of securities listed in Shanghai and Shenzhen: shares (600519, 000001, 300750,
#: 688981) and exchange-traded funds (510300, 159915, 588000 aside). Prefixes from the exchanges'
#: numbering: 600-605 and 688-689 Shanghai shares, 000-003 and 300-301 Shenzhen shares, 50-51, 56
#: and 58 Shanghai funds, 159 and 16 Shenzhen funds.
SECURITY_CODES = re.compile(
    r"(?<![\d.,$€£¥])(?:60[0-5]|68[89]|00[0-3]|30[01]|5[01]\d|56\d|58\d|159|16\d)\d{3}"
    r"(?![\d%])(?![.,]\d)(?!\s*(?:元|块|塊|万|萬|千|百|亿|億|人民币|rmb|yuan|dollars?|k(?![a-z])))",
    re.IGNORECASE)


def _any_of(words: str) -> str:
    """A pattern for any of the ``|``-separated Chinese ``words``, spaces allowed between their
    characters (the intent classifier reads a Chinese message as jieba's words joined by spaces)."""
    return "|".join(r"\s*".join(map(re.escape, word)) for word in words.split("|"))


#: What makes six digits a code rather than a sum: a security named anywhere in the message, a
#: trade just before the digits, or a question about them just after.
_SECURITY_NAMED = re.compile(
    _any_of("基金|股票|个股|個股|股|代码|代碼|证券|證券")
    + r"|etf|lof|\bstocks?\b|\bfunds?\b|\bshares?\b|\btickers?\b|\bcode\b", re.IGNORECASE)
_TRADE_BEFORE = re.compile(
    rf"(?:{_any_of('买|買|卖|賣|投|入手|加仓|加倉|减仓|減倉|抄底')}|\bbuy|\bsell|\binto)"
    rf"\s*(?:{_any_of('点|點|些|入|了|一些|一点|一點|进|進')})?\s*$", re.IGNORECASE)
_QUESTION_AFTER = re.compile(
    r"[^,.;!?，。；！？\d]{0,10}?(?:" + _any_of(
        "能买|能買|可以买|可以買|能不能|怎么样|怎麼樣|咋样|咋樣|如何|值得|还能|還能|走势|走勢|会涨|"
        "會漲|会跌|會跌|好不好|行不行|入手|上车|上車|这只|這隻|这支|這支|低点|低點|高点|高點|"
        "is it a good|a good buy|worth buying") + ")", re.IGNORECASE)


def security_codes(text: str, replace) -> str:
    """``text`` with each security code replaced by ``replace(match)``: no amount.

    Six digits with an exchange's prefix are a code when they begin with 0 (000001), or when the
    message names a security, trades them or asks about them ("510300能买吗", "我想买600519",
    "is 300750 a good stock"). A round
    figure (600000, 510000) stays a sum, and so do digits with a currency or a unit, a code that
    is all the text says (a sum asked for and typed bare) and six digits said as money held ("我有
    300750").
    """
    if re.fullmatch(rf"\W*{SECURITY_CODES.pattern}\W*", text, re.IGNORECASE):
        return text
    named = bool(_SECURITY_NAMED.search(text))

    def code(match: re.Match) -> str:
        digits = match[0]
        if digits.startswith("0"):
            return replace(match)  # a sum is never written with a leading zero
        if digits.endswith("000"):
            return digits
        if (named or _TRADE_BEFORE.search(text[:match.start()])
                or _QUESTION_AFTER.match(text[match.end():])):
            return replace(match)
        return digits

    return SECURITY_CODES.sub(code, text)
