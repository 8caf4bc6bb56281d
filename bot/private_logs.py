"""Log records never carry the values a database error quotes.

PostgreSQL explains a constraint violation with the row or key it refused ("DETAIL:
Failing row contains (...)", "DETAIL:  Key (name, city_key)=(...) already exists"): names,
comments and member ids that would reach the logs through any exception logged by the
bot or by discord.py. The engine already hides statement parameters (`hide_parameters`);
this hides those details from every record's message and formatted traceback."""

from __future__ import annotations

import logging
import re
from typing import Any

HIDDEN = "(values hidden)"

#: A DETAIL (asyncpg writes it after the message) ends where SQLAlchemy's statement, a
#: HINT, the next exception of a chained traceback or the text begins: values may hold
#: newlines.
_DETAIL = re.compile(
    r"(DETAIL:\s*).*?(?=\n\[SQL:|\nHINT:|\n\(Background on this error"
    r"|\n\nThe above exception|\n\nDuring handling|\Z)",
    re.DOTALL,
)
#: The same explanations quoted without their DETAIL prefix: hidden to the end of the line.
_QUOTED = re.compile(r"(Failing row contains |Key \([^)\n]*\)=).*")
_MARKERS = ("DETAIL:", "Failing row contains", "Key (")


def redact(text: str) -> str:
    """`text` without the values a database error quotes."""
    if not any(marker in text for marker in _MARKERS):
        return text
    return _QUOTED.sub(rf"\g<1>{HIDDEN}", _DETAIL.sub(rf"\g<1>{HIDDEN}", text))


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: the handler reports it as usual
        return
    hidden = redact(message)
    if hidden != message:
        record.msg, record.args = hidden, ()
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        text = logging.Formatter().formatException(record.exc_info)
        hidden = redact(text)
        if hidden != text:
            record.exc_text = hidden  # formatters use it instead of formatting again


class _HidingFactory:
    """The record factory in place, with every record it makes redacted."""

    def __init__(self, previous: Any) -> None:
        self.previous = previous

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = self.previous(*args, **kwargs)
        _redact_record(record)
        return record


def hide_database_values() -> None:
    """Redact every log record from now on, whichever logger or handler it goes to
    (a logger's filter would miss records propagated from its children)."""
    current = logging.getLogRecordFactory()
    if not isinstance(current, _HidingFactory):
        logging.setLogRecordFactory(_HidingFactory(current))
