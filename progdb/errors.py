"""One error type for everything a user can cause; the CLI prints it as one line."""


class ProgdbError(Exception):
    """A problem with the user's input or database, worded for the user."""


def json_reason(exc) -> str:
    """A json.JSONDecodeError as a whole sentence: the parser's own messages stop at "starting at"
    and say nothing of a file that was cut short."""
    msg = exc.msg + (f" column {exc.colno}" if exc.msg.endswith(" at") else f", column {exc.colno}")
    doc = exc.doc or ""
    if exc.msg.startswith("Unterminated string") or exc.pos >= len(doc.rstrip()):
        msg += "; the text ends inside the JSON: is the file cut short?"
    return f"not valid JSON ({msg})"
