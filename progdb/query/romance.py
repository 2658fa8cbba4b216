"""A Spanish or Portuguese speaker's request words, read as the English ones: "plural de mouse",
"sinónimo de happy", "moneda de Suiza", "traducir al francés: horse", "como se dice 'dog' en alemán".

Only request words are read: the words of the table, and a linking word ("de", "al", "en") between a
request word and what it asks about, or before a language ("Rio de Janeiro" keeps its de). Marks are
dropped before the lookup ("antónimo", "inglés"). The reader weighs the rewritten request beside the
prompt as typed, as it does a corrected typo.
"""
from __future__ import annotations

import re

from progdb.query.targets import LANGUAGES
from progdb.query.wording import STOP, without_marks

WORDS = {
    "femenino": "feminine", "feminino": "feminine", "masculino": "masculine", "sinonimo": "synonym",
    "antonimo": "antonym", "opuesto": "opposite", "contrario": "opposite", "pasado": "past", "passado": "past",
    "preterito": "past", "participio": "participle", "gerundio": "gerund", "comparativo": "comparative",
    "superlativo": "superlative", "moneda": "currency", "moeda": "currency", "idioma": "language",
    "lengua": "language", "lingua": "language", "traducir": "translate", "traduce": "translate",
    "traduzca": "translate", "traduzir": "translate", "traduza": "translate", "ingles": "english",
    "frances": "french", "aleman": "german", "alemao": "german", "espanol": "spanish", "espanhol": "spanish",
    "italiano": "italian", "portugues": "portuguese",
}
LINKS = {"de": "of", "del": "of the", "da": "of the", "al": "to", "para": "to", "en": "in", "em": "in"}  # typed lower-case
PHRASES = {"como se dice": "how do you say", "como se diz": "how do you say", "como se escribe": "how do you spell",
           # a question's head ("cual es el pasado de drink" was refused, nothing close)
           "cual es el": "what is the", "cual es la": "what is the", "cuales son los": "what are the",
           "cuales son las": "what are the", "qual e o": "what is the", "qual e a": "what is the"}
_ACCENTED = {"a": "[aáà]", "e": "[eéê]", "i": "[ií]", "o": "[oóô]", "u": "[uú]"}
_TARGETS = frozenset(LANGUAGES) | {"english"}


def in_english(request: str, is_request_word, text_after: bool = False) -> tuple[str, list[str]]:
    """The request with its Spanish or Portuguese request words in English, and a note per word read
    ("sinónimo -> synonym"); `is_request_word(word)`: a word of the stored phrasings; `text_after`:
    the request is followed by its text ("plural de: mouse")."""
    notes: list[str] = []
    text = request
    for phrase, english in PHRASES.items():
        text, n = re.subn(rf"(?i)\b{''.join(_ACCENTED.get(c, c) for c in phrase)}\b", english, text)
        if n:
            notes.append(f"{phrase} -> {english}")
    tokens = re.split(r"([^\W\d_]+)", text)  # words at odd positions, what lies between them at even
    words = [without_marks(t).lower() for t in tokens[1::2]]
    read = [WORDS.get(w, w) for w in words]
    for i, w in enumerate(words):
        if w in WORDS:
            notes.append(f"{tokens[2 * i + 1]} -> {WORDS[w]}")
        elif w in LINKS and tokens[2 * i + 1] == w and 0 < i and (i < len(words) - 1 or text_after) and (
                read[i - 1] in WORDS.values() or (read[i - 1] not in STOP and is_request_word(read[i - 1]))
                or read[i + 1:i + 2] and read[i + 1] in _TARGETS):
            read[i] = LINKS[w]
        else:
            read[i] = tokens[2 * i + 1]  # as typed
    tokens[1::2] = read
    return "".join(tokens), notes
