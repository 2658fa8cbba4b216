"""The one place the models load: the key-space encoder and the word space.

Loading them is the slow part of a process, and every database in it shares them. Callers ask
`models.encoder()` / `models.word_space()` at call time; this module imports only the model classes,
never a module that uses them, so nothing here can import back.
"""
from __future__ import annotations

from progdb.text.encoder import Encoder
from progdb.words.space import WordSpace

_encoder: Encoder | None = None
_words: WordSpace | None = None


def encoder() -> Encoder:
    global _encoder
    if _encoder is None:
        _encoder = Encoder()
    return _encoder


def word_space() -> WordSpace:
    global _words
    if _words is None:
        _words = WordSpace.load()
    return _words
