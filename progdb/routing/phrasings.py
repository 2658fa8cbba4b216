"""What a fit beside the built-in library learns from a labelled prompt: the request in it, read as
its program's, with the input left out ("sentiment of this comment: the export is broken again" ->
"sentiment of this comment"), so that no input's words become a phrasing of the program."""
from __future__ import annotations

import re

import numpy as np

from progdb import models
from progdb.query.reader import FIT_FLOOR, Reader
from progdb.query.wording import CONTRACTIONS, QUESTION_WORDS, STOP, without_quiz_label, words_of

_MARK = re.compile(r":|\s[-–—]+\s|->|\n")
LONGEST_INPUT = 6  # words: a stored input looked for in a prompt is at most this long


def requests_of(reader: Reader, templates: list, rows: list[tuple[str, str | None]]) -> list[str]:
    """Each (prompt, its program) as a phrasing of the program; an out-of-scope prompt (program
    None) and an intent's prompt whole; a quiz's "Q10:" before it is none of its words (a teacher's
    learned phrasings read "Q10: which country is the mostly in")."""
    return [prompt if program is None or reader.kinds.get(program) == "intent"
            else request_of(reader, templates, without_quiz_label(prompt) or prompt, program) for prompt, program in rows]


def request_of(reader: Reader, templates: list, prompt: str, program: str) -> str:
    """_request_of, or "" (nothing to learn) where the request it reads says nothing of its own: an HR
    coordinator's "whats PTO" taught hr-abbrev the phrasing "whats", which every "whats …" matched at 1.00,
    and a bartender's "whats in a paloma", learned whole, answered no other drink and not paloma itself."""
    request = _request_of(reader, templates, prompt, program)
    # (the "s" of "what's" is no word of its own: "whats in a negroni" is also read as "what's in a …")
    return request if any(w.lower() not in STOP | QUESTION_WORDS | CONTRACTIONS | {"s"}
                          for w in words_of(request)) else ""


def _request_of(reader: Reader, templates: list, prompt: str, program: str) -> str:
    """A text program's text is the one the prompt marks (after a colon or a dash, in quotes), the
    side of it nearer the program's phrasings the request; an input the program stores is cut out
    where it is typed ("what do we call Invoice Hub in the team"); else the key of the reading the
    program matched best with an input that fits; else, nothing to cut, the prompt whole."""
    readings = reader.readings_of(prompt, templates)
    marked = [r for r in readings if r.method == "explicit" and len(r.inputs) == 1 and r.key.strip()]
    if marked and reader.takes_phrases(program):
        sides = [t for r in marked for t in (r.key, r.inputs[0])]
        # a side that holds a mark itself is two parts ("extract tasks and owners: UX sync")
        sides = [t for t in sides if not _MARK.search(t)] or sides
        column = reader.key_scores(models.encoder().encode(sides))[0][:, reader.column_of(program)]
        return sides[int(np.argmax(column))]
    stored = _without_stored_input(prompt, reader.stored.get(program, {}))
    if stored:
        return stored
    vectors = models.encoder().encode([r.key for r in readings] + [prompt])
    choices, _ = reader.choose(readings, vectors[:-1], vectors[-1])
    mine = [ch for ch in choices if ch.program == program and ch.reading.inputs and ch.fit >= FIT_FLOOR
            and ch.reading.key.strip()]
    return max(mine, key=lambda ch: ch.score).reading.key if mine else prompt


MAX_REFUSED_REQUESTS = 200  # a user's out-of-scope prompts read so at most (each embedded once per reader)


def refused_requests(prompts: list[str], inputs: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(prompt, its request) for each out-of-scope prompt a user labelled that holds an input of one of
    these programs, left out: "what does the cello do in an orchestra" -> "what does the do in an orchestra",
    which asks it of any other instrument too. At most MAX_REFUSED_REQUESTS."""
    helds = [{i.strip().lower(): i for i in ins} for ins in inputs.values()]
    found = []
    for prompt in prompts:
        request = next((r for r in (_without_stored_input(prompt, held) for held in helds) if r), "")
        if request and request.lower() != prompt.lower():
            found.append((prompt, request))
            if len(found) == MAX_REFUSED_REQUESTS:
                break
    return found


def _without_stored_input(prompt: str, held: dict[str, str]) -> str:
    """The prompt less the longest input the program stores that it holds word for word (its
    possessive too: "Billing API's"), or "" when it holds none."""
    words = re.findall(r"[\w'’-]+", prompt)
    for n in range(min(LONGEST_INPUT, len(words)), 0, -1):
        for i in range(len(words) - n + 1):
            span = " ".join(words[i:i + n])
            if re.sub(r"['’]s$", "", span).lower() in held:
                pattern = r"(?<![\w'])" + r"\W+".join(map(re.escape, words[i:i + n])) + r"(?![\w'])"
                rest = " ".join(re.sub(pattern, " ", prompt, count=1).split())
                return rest if rest.strip(" ?.!:,;-") else ""
    return ""
