"""Bulk import of example pairs: stream rows out of the files people have, one at a time.

Every row is a Row (a pair for a program) or a Reject (file, line, reason), so the importer can stop
at the first bad batch or keep the good rows and write the rejects out. Reading is streamed: a
file is never held in memory whole (JSON lists excepted, which have no line structure to stream).
Formats:
  csv / tsv   header `program,input,output` or `input,output` (also source/target…), or no header
  jsonl       one {"input", "output"[, "program"]} object a line
  json        a list of such objects, or {"examples": [...]}
  analogy     questions-words: `: section` lines (the program), then `a b c d` lines
  bats        `word<TAB>answer1/answer2` (a pair per answer), program = the file's stem
  fv          function-vector JSON: a list of {"input", "output"}, program = the file's stem
A row without a program of its own (csv/tsv/jsonl/json) takes the one given to read_rows (--program),
or with name_by_stem (the CLI's import) the file's stem; analogy sections and bats/fv files always
name their own. A csv/tsv first row is a header when it names known columns (input,output …, any others
left out), two common column names (word,emoji; abbr,meaning) or a
word of the program's name (`word,emoji` in emoji.csv): people name files after their columns; and
two short labels over a row of texts (Message,Reply). A first column of row numbers is left out.
"""
from __future__ import annotations

import codecs
import csv
import itertools
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from progdb.errors import ProgdbError, json_reason
from progdb.ingest.pairs_io import HEADER_NAMES
from progdb.program import MAX_NAME, NAME_RE, Example

PAIR_FORMATS = ("csv", "tsv", "jsonl", "json", "analogy", "bats", "fv", "arrows", "markdown", "yaml")
_ARROW = re.compile(r"\s*(?:->|=>|→)\s*")  # "bet -> okay, agreed": one pair a line
# ...and without an arrow, as lists are typed: "neighbour = neighbor", "petal:flower", "flower - river" (a
# crossword setter's), "petal flower"
_JOTTED = re.compile(r"\s*[=:]\s*|\s+[-–—]\s+")
# A list's bullet or number before a jotted pair ("- oz: ounce" from a notes app, "1. Largo – slow"), and
# the marks of a markdown glossary around a side ("**Largo** – slow"): neither is part of the pair.
_LIST_MARK = re.compile(r"\s*(?:[-*+•▪◦‣]|\d{1,3}[.)])\s+")
_EMPHASIS = re.compile(r"(\*\*|__|`)(.+?)\1|(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_DANGLING_MARK = re.compile(r"(?<=\S)\s*(?:=|:|\s[-–—])\s*$")  # "tab –", "bsa =": a mark with nothing after it
_TABLE_ROW = re.compile(r"\s*\|.*\|\s*$")  # a markdown table's row: | invoice | fattura |
_TABLE_RULE = re.compile(r"\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")  # its rule below the header: |---|:--|
NOTES_SUFFIXES = (".txt", ".md", ".markdown", "")  # a list jotted in a notes app or a markdown file
STRAY_LINES = 1  # lines of a list's first 20 that no pair splits, and it is still read as a list of pairs
MAX_FIELD = 100_000  # characters: a longer side is almost surely a broken file, not a pair
MAX_LINE = 4 * MAX_FIELD  # bytes read of one line at most
HUGE = "\x00huge"  # _lines' marker for a line longer than MAX_LINE
csv.field_size_limit(MAX_LINE)  # so an over-long field is reported by its length, not as broken csv


@dataclass
class Row:
    file: str
    line: int
    program: str
    input: str
    output: str


@dataclass
class Reject:
    file: str
    line: int
    reason: str
    text: str = ""  # the raw line, as far as it is known

    def message(self) -> str:
        return f"{self.file}, line {self.line}: {self.reason}" if self.line else f"{self.file}: {self.reason}"


def detect_format(path: Path) -> str:
    """The format a file or folder shows, or an error saying why it cannot tell."""
    if path.is_dir():
        return "bats"
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".jsonl"):
        return suffix[1:]
    if suffix in (".yaml", ".yml"):
        return "yaml"
    head = _head(path)
    if suffix == ".json":
        return "json"
    content = next((ln for ln in head.splitlines() if ln.strip() and not ln.startswith("#")), "")
    if suffix == ".txt":
        if content.startswith(":"):
            return "analogy"
        if "\t" in content:
            return "bats"
    stripped = head.lstrip()
    if suffix in NOTES_SUFFIXES and re.match(r'\{\s*"|\[\s*[\[{"]', stripped):  # (a JSON map's "E1001": "…", lines
        return "json" if stripped.startswith("[") or _one_object(path) else "jsonl"  # are no notes; "[Animals]" is a title)
    if suffix in NOTES_SUFFIXES and any(_TABLE_ROW.match(ln) for ln in head.splitlines()) and \
            any(_TABLE_RULE.match(ln) for ln in head.splitlines()):
        return "markdown"  # a table copied from Notion or a wiki: | English | Italian | Notes |
    if suffix in NOTES_SUFFIXES and _ARROW.search(content) and "\t" not in content:
        return "arrows"  # before the comma test: "bet -> okay, agreed" is one pair, not two cells
    lines = [ln for ln in head.splitlines()[:20] if ln.strip() and not ln.startswith("#")]
    if len(lines) > 2 and not _jotted_pair(lines[0]):
        lines = lines[1:]  # a title line above the pairs ("Family words - parole di famiglia")
    jotted = [bool(_jotted_pair(ln)) for ln in lines[:-1] or lines]
    if suffix in NOTES_SUFFIXES and lines and "\t" not in lines[0] and not _comma_first(lines[0]) and \
            _jotted_pair(lines[0]) and sum(jotted) >= max(len(jotted) - STRAY_LINES, 1):
        return "arrows"  # "neighbour = neighbor", "petal:flower", "petal flower": pairs a line (the head's
        # last line may be cut); a stray line among them is a bad row, named ("to too two" of homophones)
    if stripped.startswith("["):
        return "json"
    if stripped.startswith("{"):
        return "json" if _one_object(path) else "jsonl"  # a script's map piped in: {"E1001": "rb-db-failover", …}
    first = head.split("\n", 1)[0]
    if "\t" in first:
        return "tsv"
    if "," in first:
        return "csv"
    raise ProgdbError(f"{path}: cannot tell the format; give --format "
                      f"({'|'.join(PAIR_FORMATS)})")


DOCUMENTS = {".docx": "a Word", ".doc": "a Word", ".odt": "an OpenDocument", ".rtf": "a rich-text", ".pdf": "a PDF",
             ".pages": "a Pages"}
SPREADSHEETS = {".xlsx": "an Excel", ".xlsm": "an Excel", ".ods": "an OpenDocument", ".numbers": "a Numbers"}


def _head(path: Path, size: int = 4096) -> str:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(size)
    except OSError as exc:
        raise ProgdbError(f"{path}: cannot read ({exc.strerror})") from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ProgdbError(f"{path}: UTF-16 text (Excel's \"Unicode Text\"); save it as UTF-8 (\"CSV UTF-8\") and "
                          "import that")
    if raw.startswith(b"PK\x03\x04") and path.suffix.lower() in SPREADSHEETS:  # (a workbook is a zip file)
        raise ProgdbError(f"{path}: {SPREADSHEETS[path.suffix.lower()]} workbook, not a pairs file; save the sheet as "
                          "CSV (\"CSV UTF-8\") and import that")
    if path.suffix.lower() in DOCUMENTS:  # (a librarian's list typed in Word was "binary file", no more)
        raise ProgdbError(f"{path}: {DOCUMENTS[path.suffix.lower()]} document, not a pairs file; save it as plain "
                          "text (.txt) and import that")
    if b"\x00" in raw:
        raise ProgdbError(f"{path}: binary file, not a pairs file")
    return raw.decode("utf-8-sig", errors="replace")


def read_rows(path: str | Path, fmt: str | None = None, program: str | None = None,
              name_by_stem: bool = False, header: bool | None = None,
              columns: tuple[str, str] | None = None) -> Iterator[Row | Reject]:
    """Rows and rejects of one file (or a BATS folder), in file order. `header` (csv, tsv): the
    first row is a header (True) or data (False); None tells from the row (_header). `columns`
    (csv, tsv): the input's and the output's column, each a header's name or a number from 1."""
    path = Path(path)
    if not path.exists():
        raise ProgdbError(f"{path}: no such file or folder")
    fmt = fmt or detect_format(path)
    if program is None and name_by_stem and fmt in ("csv", "tsv", "jsonl", "json", "arrows", "yaml") and path.is_file():
        stem = _stem_name(path)
        program = stem if NAME_RE.match(stem) and len(stem) <= MAX_NAME else None
    if path.is_dir():
        if fmt != "bats":
            raise ProgdbError(f"{path}: a folder is read as BATS relations (one .txt per program)")
        files = sorted(p for p in path.rglob("*.txt") if p.is_file() and not p.name.startswith("."))
        if not files:
            raise ProgdbError(f"{path}: no .txt relation files in this folder")
        for f in files:
            yield from read_rows(f, "bats")  # (each file its own program, whatever --program names)
        return
    _head(path)  # binary files fail here, before any row
    reader = {"csv": _delimited, "tsv": _delimited, "jsonl": _jsonl, "json": _json, "analogy": _analogy,
              "bats": _bats, "fv": _json, "arrows": _arrows, "markdown": _delimited, "yaml": _yaml}[fmt]
    empty = True
    sides = columns and fmt == "arrows" and tuple(c.strip() for c in columns)
    if sides and sides not in (("1", "2"), ("2", "1")):
        raise ProgdbError(f"{path}: a jotted list's lines have two sides: --columns 1,2 reads them as they are, "
                          "2,1 the other way round")
    if columns and not sides and (reader not in (_delimited, _jsonl, _json) or fmt == "fv"):
        raise ProgdbError(f"{path}: --columns picks columns of a csv or tsv file, fields of JSON or the sides of "
                          f"a jotted list's lines, not those of {'an' if fmt[0] in 'aeiou' else 'a'} {fmt} file")
    items = _delimited(path, fmt, program, header, columns) if reader is _delimited else \
        reader(path, fmt, program, columns) if reader in (_jsonl, _json) else reader(path, fmt, program)
    if sides == ("2", "1"):  # "Hydrogen - H" lines read as H -> Hydrogen (a tutor's symbol-element)
        items = (replace(i, input=i.output, output=i.input) if isinstance(i, Row) else i for i in items)
    for item in items:
        empty = False
        if isinstance(item, Row) and fmt != "bats":
            yield from _alternatives(item)
        else:
            yield item
    if empty:
        has_text = any(text.strip() for _, text in _lines(path))
        raise ProgdbError(f"{path}: no pairs (only a header)" if has_text else f"{path}: empty file (no pairs)")


# Outputs a word pair lists as alternatives, a slash between spaces or a semicolon: "mother = mamma / madre"
# (a parent's list was stored with "mamma / madre" as one answer, and became a program of texts),
# "bookshelf,estantería; librero" (a student's flashcards)
_ALTERNATIVES = re.compile(r"[^\W\d_]+(?:[ '-][^\W\d_]+)?(?:(?:\s+/|\s*;)\s+[^\W\d_]+(?:[ '-][^\W\d_]+)?)+")
_BETWEEN_ALTERNATIVES = re.compile(r"\s+/\s+|\s*;\s+")  # "mamma / madre", "estantería; librero"


def _alternatives(row: Row) -> Iterator[Row]:
    """The row, or one row per alternative of its output when a word's output lists several, or of its
    input when a word's input does (a flashcard deck read the other way: "house; home" -> 집 is two pairs)."""
    if len(row.input.split()) <= 2 and _ALTERNATIVES.fullmatch(row.output.strip()):
        for answer in dict.fromkeys(a.strip() for a in _BETWEEN_ALTERNATIVES.split(row.output.strip())):
            yield Row(row.file, row.line, row.program, row.input, answer)
    elif len(row.output.split()) <= 2 and _ALTERNATIVES.fullmatch(row.input.strip()):
        for asked in dict.fromkeys(a.strip() for a in _BETWEEN_ALTERNATIVES.split(row.input.strip())):
            yield Row(row.file, row.line, row.program, asked, row.output)
    else:
        yield row


def examples_from_file(path: str | Path, program: str, header: bool | None = None) -> list[Example]:
    """A file's pairs for `add NAME --examples FILE`, read as `import` reads them (header, format,
    delimiter: one file, the same pairs); the first bad row is the error."""
    pairs = []
    for item in read_rows(path, program=program, header=header):
        if isinstance(item, Reject):
            raise ProgdbError(item.message())
        if item.program != program:  # a third column was read as the row's program
            raise ProgdbError(f"{item.file}, line {item.line}: expected 2 columns (input, output), found 3 "
                              "(`import` reads program,input,output rows)")
        pairs.append(Example(item.input, item.output))
    return pairs


class NotUTF8(str):
    """A line that is not UTF-8, its bad bytes escaped (\\xe9): a reject keeps it to mend."""


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) with the newline removed; a NotUTF8 text for a line that is not UTF-8.
    Decoding is incremental, so a bad line does not stop the others."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as fh:
        n = 0
        while True:
            raw = fh.readline(MAX_LINE)
            if not raw:
                return
            n += 1
            if len(raw) == MAX_LINE and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest of a huge line, never hold it
                    raw = fh.readline(MAX_LINE)
                yield n, HUGE
                continue
            if n == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
            try:
                text = decoder.decode(raw, final=True)
            except UnicodeDecodeError:
                decoder.reset()
                text = _windows_1252(raw)
                yield n, text.rstrip("\r\n") if text is not None else \
                    NotUTF8(raw.decode("utf-8", "backslashreplace").rstrip("\r\n"))
                continue
            yield n, text.rstrip("\r\n")


def _windows_1252(raw: bytes) -> str | None:
    """A line that is not UTF-8 read as Windows-1252, as Excel's "CSV" saves it on Windows (café as
    caf\xe9: a teacher's accented list was every line rejected); None where the bytes are no such text
    (five bytes it leaves undefined, or control characters)."""
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return None if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text) else text


LEGACY_PEEK = 1 << 20  # bytes looked through for a line that is not UTF-8, to say how the file was read


def legacy_encoded(path: str | Path) -> tuple[int, str] | None:
    """The first line read as Windows-1252 (line number, text), to be said: the file is not UTF-8.
    Looked for in the first MB only (a note, not a second pass over a large file)."""
    if not Path(path).is_file():
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh.readlines(LEGACY_PEEK), 1):
            try:
                decoder.decode(raw, final=True)
            except UnicodeDecodeError:
                decoder.reset()
                text = _windows_1252(raw)
                return (n, text.strip()) if text is not None else None
    return None


def _text_lines(path: Path) -> Iterator[tuple[int, str] | tuple[None, Reject]]:
    """The non-blank lines, or (None, Reject) for a line that cannot be read as text."""
    for n, text in _lines(path):
        bad = _unreadable(path, n, text)
        if bad:
            yield None, bad
        elif text.strip():
            yield n, text


def _unreadable(path: Path, n: int, text: str) -> Reject | None:
    """A line no format can read: not UTF-8 (kept escaped, to mend), or too long (not kept)."""
    if isinstance(text, NotUTF8):
        return Reject(str(path), n, "not UTF-8 text (save the file as UTF-8)", text)
    return Reject(str(path), n, f"line longer than {MAX_LINE:,} bytes") if text == HUGE else None


MAX_RECORD_LINES = 200  # a quoted field may hold new lines (as spreadsheets write them), this many at most


def _delimiter_of(first: str) -> str:
    """A csv's delimiter by its first record: ',' or, as spreadsheets write it in many locales, ';';
    a tab where the record has tabs and neither (a tab-separated file saved as .csv)."""
    if "\t" in first and "," not in first and ";" not in first:
        return "\t"
    return ";" if ";" in first and "," not in first else ","


def _csv_records(path: Path, delimiter: str | None) -> Iterator[tuple[int, str] | tuple[None, Reject]]:
    """The non-blank records of a csv or tsv, numbered by their first line: a quoted field that
    runs on past its line ("Where is my refund?⏎I returned …") takes the next lines, blank ones
    too, up to MAX_RECORD_LINES. `delimiter`: a tsv's tab, or None to tell a csv's from its first record."""
    pending, lines, first = None, 0, True
    for n, text in _lines(path):
        bad = _unreadable(path, n, text)
        if bad:
            if pending:
                yield pending
                pending = None
            yield None, bad
            continue
        if pending:
            pending, lines = (pending[0], pending[1] + "\n" + text), lines + 1
            if not _ends_in_quotes(pending[1], delimiter) or lines >= MAX_RECORD_LINES:
                yield pending
                pending = None
            continue
        if not text.strip() or _EMPTY_ROW.fullmatch(text):
            continue  # (a spreadsheet's export ends on rows of bare commas: no data, so no error)
        if _comment(text) or (first and _title(text)):
            first = False  # "# birds", or a title above the table ("Comparatives"): no row (a pair has two cells)
            continue
        first = False
        delimiter = delimiter or _delimiter_of(text)
        if _ends_in_quotes(text, delimiter):
            pending, lines = (n, text), 1
            continue
        yield n, text
    if pending:
        yield pending  # never closed: the row's check names the open quote


def _table_records(path: Path) -> Iterator[tuple[int, str] | tuple[None, Reject]]:
    """A markdown table's rows, each without its outer pipes, numbered by line; its rule (|---|), and the
    headings and text around the table, left out."""
    for n, text in _text_lines(path):
        if n is None:
            yield n, text
        elif _TABLE_ROW.match(text) and not _TABLE_RULE.match(text):
            yield n, text.strip()[1:-1]


_EMPTY_ROW = re.compile(r'(?:\s|""|[,;\t])*')  # every cell empty: ",", ";;", '"",""'
_DELIMITERS = re.compile(r"[,;\t]")


def _title(text: str) -> bool:
    """A title above the table: one cell ("Comparatives"), or one of words with empty cells after it,
    as a spreadsheet saves it ("Continents quiz - Year 8,"; one word and a comma, "cat,", is a bad pair)."""
    cell = re.sub(r"[\s,;\t]+$", "", text)
    return not _DELIMITERS.search(cell) and (cell == text.rstrip() or len(cell.split()) >= 2)


def _comment(text: str) -> bool:
    """A comment line: "# " and words, or "#" and no delimiter ("#tbt,throwback thursday" is a row)."""
    line = text.lstrip()
    return line.startswith("#") and (line.startswith("# ") or line == "#" or not _DELIMITERS.search(line))


def _ends_in_quotes(text: str, delimiter: str) -> bool:
    """Whether a csv record ends inside a quoted field (a quote opens a field only at its start)."""
    inside, at_start, i = False, True, 0
    while i < len(text):
        c = text[i]
        if inside:
            if c == '"':
                if text[i + 1:i + 2] == '"':
                    i += 1  # "" inside quotes is a quote
                else:
                    inside = False
        elif c == '"' and at_start:
            inside = True
        at_start = not inside and c == delimiter
        i += 1
    return inside


def _check(path: Path, n: int, program: str | None, a, b, raw: str) -> Row | Reject:
    """One pair's checks, shared by every format."""
    if not program:
        return Reject(str(path), n, "field 'program' is missing (add a program column or give --program)", raw)
    if len(program) > MAX_NAME:
        return Reject(str(path), n, f"field 'program': {len(program):,} characters, at most {MAX_NAME} allowed",
                      raw[:200])
    if not NAME_RE.match(program):
        return Reject(str(path), n, f"field 'program': '{program}' must be lower-case letters, digits, "
                      "'.', '_' or '-'", raw)
    if isinstance(a, (int, float)) and not isinstance(a, bool):
        a = str(a)  # a number, as pandas writes a column of them: {"input": 200, ...}
    if isinstance(b, (int, float)) and not isinstance(b, bool):
        b = str(b)
    for side, value in (("input", a), ("output", b)):
        if value is None:
            return Reject(str(path), n, f"field '{side}' is missing", raw)
        if not isinstance(value, str):
            return Reject(str(path), n, f"field '{side}' is not text", raw)
        if not value.strip():
            return Reject(str(path), n, f"field '{side}' is empty", raw)
        if len(value) > MAX_FIELD:
            return Reject(str(path), n, f"field '{side}' is {len(value):,} characters (limit {MAX_FIELD:,})",
                          raw[:200])
    return Row(str(path), n, program, a.strip(), b.strip())


def first_row_reading(path: str | Path, header: bool | None = None, program: str | None = None,
                      fmt: str | None = None) -> tuple[str, bool] | None:
    """A csv/tsv first row of two lower-case words, as typed, and whether it was read as column
    names, so that it can be said: a header or a pair, no rule tells ("cat,cats" over "dog,dogs" is
    read as a pair; two words naming kinds over words that do not, "monster,element" over
    "goblin,earth", as a header). None for any other first row (a known header, "word,emoji", or
    labels over texts and names, "department,manager" over "Finance,Priya Raman": nothing to say)."""
    path = Path(path)
    fmt = (fmt or detect_format(path)) if path.is_file() else None
    if header is not None or fmt not in ("csv", "tsv"):
        return None
    records = (text for n, text in _csv_records(path, "\t" if fmt == "tsv" else None) if n is not None and text.strip())
    first, second = next(records, None), next(records, None)
    if second is None:
        return None  # a file of one row is data, and nothing to say
    cells = [c.strip() for c in re.split(r"[,;\t]", first)]
    if len(cells) != 2 or not all(re.fullmatch(r"[a-z]+", c) for c in cells) or \
            _header(tuple(cells), program or _stem_name(path)) is not None:
        return None
    below = [c.strip() for c in re.split(r"[,;\t]", second)][:2]
    if _kinds_over_words(cells, below) or _plain_over_marked(cells, below):
        return first.strip(), True  # (a researcher's "cat<TAB>kitten" over "dog<TAB>puppy/pup" went unsaid)
    return None if _labels_over_texts(cells, below) else (first.strip(), False)


def _delimited(path: Path, fmt: str, program: str | None, header: bool | None = None,
               asked: tuple[str, str] | None = None) -> Iterator[Row | Reject]:
    delimiter = {"tsv": "\t", "markdown": "|"}.get(fmt)  # a csv's: ',' or, as spreadsheets write it in many locales, ';'
    columns = None  # (program, input, output) positions
    limit = None  # a header's width: the columns it names are read, the others (notes, ids) left out
    labels = None  # a first row that may be a header of two labels ("Message,Reply"): the next row decides
    empty_tail = None  # how many empty columns the first row ends with (each row loses them when empty)
    for n, text in _table_records(path) if fmt == "markdown" else _csv_records(path, delimiter):
        if n is None:
            yield text  # a Reject
            continue
        if delimiter is None:
            delimiter = _delimiter_of(text)
        try:
            # (a markdown table's cells hold quotes as text: "attualmente" = currently)
            row = text.split("|") if fmt == "markdown" else next(csv.reader([text], delimiter=delimiter))
        except csv.Error as exc:
            yield Reject(str(path), n, f"not {fmt} ({exc})", text)
            continue
        cells = [c.strip() for c in row]
        if empty_tail is None:  # empty columns past the first row's pair, as a spreadsheet exports them ("Hop,Aroma,")
            empty_tail = len(cells) - 1 - max([i for i, c in enumerate(cells) if c] + [1])
        if empty_tail and len(cells) > 2 and not any(cells[-empty_tail:]):
            cells, row = cells[:-empty_tail], row[:-empty_tail]
        lowered = tuple(c.lower() for c in cells)
        if labels is not None:
            first_n, first_text, first_row = labels
            labels = None
            if not _labels_over_texts(first_row, cells):
                yield _check(path, first_n, program, first_row[0], first_row[1], first_text)
        elif columns is None and asked is not None:  # --columns: the user said which two
            columns, named = _asked_columns(path, asked, cells)
            if named or header or (header is None and _label_rows(cells, _first_rows(path, delimiter, PEEKED_ROWS)[1:])):
                # the header row the names were found in (or a header said or seen): a row wider than it is
                # broken ("Penicillin,Scotch,Rocks, with a big cube" under Cocktail,Base Spirit,Glass)
                limit = len(cells)
                continue
            limit = 10 ** 6  # (no header: the other columns are theirs to leave out)
        elif columns is None:
            rows = _first_rows(path, delimiter, PEEKED_ROWS)
            columns = None if header is False else _header(lowered, program, cells) or (
                (None, 0, 1) if header or (header is None and _label_rows(cells, rows[1:])) else None)
            if columns is not None:
                limit = len(cells)
                continue
            if len(cells) == 2 and header is None and _labels(cells):
                labels = (n, text, row)
            if len(cells) <= 2:
                columns = (None, 0, 1)
                if labels is not None:
                    continue
            elif cells[0].isdigit():  # "1,Where is my order?,It ships tomorrow.": a row number, not a program
                columns, limit = (None, 1, 2), len(cells)
            elif len(cells) == 3 and _programs_first(rows):
                columns = (0, 1, 2)
            else:  # "hi there,Hello there!,a note": no program comes first (nor in rows of four or more
                # columns: "sign in,se connecter,ui,validated"); the columns after two are left out
                columns, limit = (None, 0, 1), len(cells)
        width = 1 + max(i for i in columns if i is not None)
        if len(cells) < width and text.count('"') % 2:  # csv read an unclosed quote to the line's end
            yield Reject(str(path), n, 'a quote (") is opened and not closed', text)
            continue
        if len(cells) < width:
            missing = ("program", "input", "output")[next(j for j, i in enumerate(columns) if i is not None
                                                          and i >= len(cells))]
            sep = "a tab" if delimiter == "\t" else repr(delimiter)
            yield Reject(str(path), n, f"field '{missing}' is missing (expected {width} columns separated by {sep}, "
                         f"found {len(cells)})", text)
            continue
        while len(cells) > (limit or width) and not cells[-1]:  # "patio umbrella,Outdoor,": an empty cell past the
            cells, row = cells[:-1], row[:-1]  # pair is none, in a file whose other rows have no such cell
        if len(cells) > (limit or width):
            quote = _quote_hint(row, delimiter, limit or width) if delimiter in ",;" and '"' not in text else ""
            yield Reject(str(path), n, f"expected {limit or width} columns, found {len(cells)}{quote}", text)
            continue
        name = cells[columns[0]] if columns[0] is not None else program
        yield _check(path, n, name, row[columns[1]], row[columns[2]], text)
    if labels is not None and not _lone_header(labels[2]):  # a file of one row is data...
        yield _check(path, labels[0], program, labels[2][0], labels[2][1], labels[1])


def _asked_columns(path: Path, asked: tuple[str, str], first: list[str]) -> tuple[tuple[None, int, int], bool]:
    """--columns IN,OUT as positions: numbers from 1, or names of the first row's cells (then it is
    the header); and whether they were names."""
    low = [c.strip().lower() for c in first]
    found = []
    for a in asked:
        if a.strip().isdigit():
            if int(a) < 1:
                raise ProgdbError("--columns: columns are numbered from 1")
            found.append(int(a) - 1)
        elif a.strip().lower() in low:
            found.append(low.index(a.strip().lower()))
        else:
            raise ProgdbError(f"--columns: '{a}' is no column of {path} (its first row: {', '.join(c for c in first if c)})")
    return (None, found[0], found[1]), not all(a.strip().isdigit() for a in asked)


_LABEL = re.compile(r"[A-Z][A-Za-z]*(?: [A-Za-z]+){0,2}")  # "SKU", "Product Name", "Category"


def _first_rows(path: Path, delimiter: str | None, count: int = 2) -> list[list[str]]:
    """A csv/tsv's first `count` rows, cells stripped, a spreadsheet's empty columns past the last dropped
    ("SKU,Product Name,Category,"); the delimiter the first row's, as _delimited reads them all."""
    rows = []
    for n, text in _csv_records(path, delimiter):
        if n is not None and text.strip():
            delimiter = delimiter or _delimiter_of(text)
            try:
                cells = [c.strip() for c in next(csv.reader([text], delimiter=delimiter))]
            except csv.Error:
                break  # (said by the import, at its line)
            while cells and not cells[-1]:
                cells.pop()
            rows.append(cells)
        if len(rows) >= count:
            break
    return rows


PEEKED_ROWS = 6  # the rows a csv's first row is told a header or data by


def _label_rows(first: list[str], below: list[list[str]]) -> bool:
    """A first row of three or more labels over the rows below it (see each rule)."""
    return _label_row(first) or _words_over_numbers(first, below) or _shaped_unlike(first, below) or \
        _named_columns(first, below)


def _named_columns(first: list[str], below: list[list[str]]) -> bool:
    """A first row of three or more words, one naming a kind of column, over rows that name none
    ("abbr,unit,system" over "kg,kilogram,metric": an engineer's file made five programs; a teacher's
    "Infinitive,yo,tú,…" over "tener,tuve,tuviste,…" stored Infinitive -> yo)."""
    return len(first) >= 3 and bool(below) and all(_WORDS.fullmatch(c) for c in first) and \
        any(map(_names_a_kind, first)) and not any(_names_a_kind(c) for row in below for c in row)


_IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")  # a column's name in code: dial_code, iso2
_WORDS = re.compile(r"[^\W\d_]+(?:[ /'\-][^\W\d_]+)*")  # words in any script: "él/ella/usted", "Looks like"


def _shaped_unlike(first: list[str], below: list[list[str]]) -> bool:
    """A first row of three or more words over rows whose cells in one column all start otherwise,
    with a digit or a mark ("base,dim,suffix" over "pig,piglet,-let"; "Country,Highest mountain,
    Height (m)" over "Nepal,Everest,8849"): a header (a student's file made ten programs of its rows)."""
    if len(first) < 3 or len(below) < 2 or not all(c[:1].isalpha() for c in first):
        return False
    return any(all(len(r) > j and r[j][:1] and not r[j][:1].isalpha() for r in below) for j in range(len(first)))


def _programs_first(rows: list[list[str]]) -> bool:
    """Rows of three cells whose first names a program: a name, and one of the first rows repeats
    it (a program has several pairs; "pig,piglet,-let" over "book,booklet,-let" names none)."""
    names = [r[0] for r in rows if r]
    return bool(names) and all(NAME_RE.match(n) and len(n) <= MAX_NAME for n in names[:1]) and \
        (len(names) < 3 or len(set(names)) < len(names))


def _words_over_numbers(first: list[str], below: list[list[str]]) -> bool:
    """A first row of three or more labels, none with a digit, over a row that starts with a number
    ("num,name,default action" over "1,SIGHUP,terminate"; "port,service,protocol" over "22,ssh,tcp"): a
    header, as no program's name is a number. (An engineer's signals made programs named num, 1, 2, 9.)"""
    starts = below[0][0] if below and below[0] else ""
    return len(first) >= 3 and bool(re.fullmatch(r"\d+(?:[.,]\d+)?", starts)) and \
        all(c and not any(ch.isdigit() for ch in c) for c in first)


def _label_row(cells: list[str]) -> bool:
    """A first row of three or more capitalised labels ("SKU,Product Name,Category"): a header, as a
    spreadsheet exports it; an analyst's raw export was stored with "SKU -> Product Name" as a pair."""
    return len(cells) >= 3 and all(_LABEL.fullmatch(c) for c in cells)


def slashed_answer(path: str | Path) -> list[str] | None:
    """A tsv row among the first whose output lists answers as BATS does ("dog<TAB>puppy/pup"): stored
    whole unless read as BATS, to be said (a researcher's alternatives became one answer each)."""
    if not Path(path).is_file():
        return None
    for row in _first_rows(Path(path), "\t", PEEKED_ROWS):
        if len(row) == 2 and re.fullmatch(r"[^\W\d_]+(?:/[^\W\d_]+)+", row[1].strip()):
            return row
    return None


def columns_left_out(path: str | Path, header: bool | None = None, fmt: str | None = None) -> str | None:
    """A csv/tsv whose rows hold more than a pair: which columns the import leaves out, to be said (an
    analyst's Category column went unsaid); None when nothing is. Read as the import reads it: the
    first row's width is the file's (a later row with a stray comma is an error, not a column), a
    header's notes column is no loss, and numbered rows' pair starts at their second column."""
    path = Path(path)
    fmt = (fmt or detect_format(path)) if path.is_file() else None  # (a format given is not told again)
    if fmt not in ("csv", "tsv"):
        return None
    rows = _first_rows(path, "\t" if fmt == "tsv" else None, PEEKED_ROWS)
    if len(rows) < 2:
        return None
    first = rows[0]
    known = _header(tuple(c.lower() for c in first), None, first) if header is not False else None
    named = known is not None or (header is not False and _label_rows(first, rows[1:]))
    data = rows[1] if named else first
    if known is not None:
        pair = (known[1], known[2])
    elif len(data) <= 2 or (len(data) == 3 and not named and _programs_first(rows)):
        return None  # a pair; or program,input,output, read whole
    else:
        pair = (1, 2) if data[0].isdigit() and not named else (0, 1)
    def label(i: int) -> str:  # a column by its header's name, else its number
        return (first[i] if named else "") or f"column {i + 1}"

    skipped = {known[0]} if known is not None else {0} if pair == (1, 2) else set()
    left = [i for i in range(len(first)) if i not in pair and i not in skipped
            and not (known is not None and first[i].lower() in NOTE_COLUMNS | ID_COLUMNS)]
    if not left:
        return None  # input,output,notes: as it says
    a, b = map(label, pair)
    shown = [label(i) for i in left]
    return (f"{path}: rows hold {len(first)} columns; each pair is {a} -> {b}, and "
            f"{', '.join(shown)} {'is' if len(shown) == 1 else 'are'} left out (--columns {pair[0] + 1},{left[0] + 1} "
            f"or --columns \"{a},{shown[0]}\" picks another pair)")


def _lone_header(cells: list[str]) -> bool:
    """...unless one of its labels is a column's name ("Notes,Email", as a new spreadsheet exports
    its header alone; "Brand Name,Generic Name": a column's name ends it): a header with no rows below
    it, no pair "Notes -> Email"."""
    return any(c.strip().lower() in COLUMN_WORDS | NOTE_COLUMNS or c.strip().lower().split()[-1:] in
               [[w] for w in COLUMN_WORDS] for c in cells)


def _quote_hint(row: list[str], delimiter: str, width: int) -> str:
    """How to quote the field that holds the delimiter. With one cell too many, either of two
    neighbours may be the one split, so both ways are shown: "a,b",c or a,"b,c"."""
    if len(row) != width + 1:
        return f" (a field holding a {delimiter!r} is written in quotes)"
    ways = [delimiter.join(row[:i] + [f'"{row[i]}{delimiter}{row[i + 1]}"'] + row[i + 2:]) for i in range(len(row) - 1)]
    return f" (a field holding a {delimiter!r} is written in quotes: {' or '.join(ways)})"


def _labels(cells: list[str]) -> bool:
    """Two short names, as a header labels columns: "Message,Reply", "Product facts,Zesty copy"."""
    return all(c and len(c.split()) <= 3 and c[-1].isalnum() for c in cells)


def _labels_over_texts(first: list[str], second: list[str]) -> bool:
    """A first row of labels heads rows of texts: the next row's cells are phrases or sentences, at
    least twice its words ("Draft,Rewrite" over "hey can u send it,Could you send it?"), or are
    shaped otherwise: lower-case words over names, marks or digits ("extension,language" over
    ".py,Python"), capitalised words over lower-case ones ("Verb,Person" over "bake,baker"), words
    naming kinds over other words ("verb,person" over "sing,singer"). A pair of words under a pair
    of words ("France,Paris" over "Germany,Berlin", "cat,cats" over "dog,dogs") is data."""
    words = [len(c.split()) for c in second]
    if max(words) >= 3 and sum(words) >= max(4, 2 * sum(len(c.split()) for c in first)):
        return True  # ("cat,cats" over "ice cream,ice creams" is data)
    if all(len(c.split()) >= 2 and _plain(c) for c in first) and all(len(c.split()) == 1 for c in second):
        return True  # names of two words or more over single words: "issue type,assignment group" over "printer,desktop"
    if all(re.fullmatch(r"[A-Z][a-z]+(?: [a-z]+){0,2}", c) for c in first) and all(_plain(c) for c in second):
        return True  # capitalised labels over lower-case words, as a spreadsheet heads them ("Verb,Person",
        # "Animal,Collective noun")
    if all(re.fullmatch(r"[A-Z][a-z]+(?: [A-Za-z][a-z]+){0,2}", c) and _names_a_kind(c.split()[-1]) for c in first) \
            and not all(_names_a_kind(c) for c in second):
        return True  # kinds of things over things: "Style,Country" over "Stout,Ireland", "Job Title;Department"
        # over "Head of People;Human Resources" (a recruiter's export was stored with Job Title -> Department)
    if all(_IDENTIFIER.fullmatch(c) for c in first) and any("_" in c for c in first) and \
            not all(_IDENTIFIER.fullmatch(c) for c in second):
        return True  # column names as code writes them: "iso2,dial_code" over "PT,+351"
    if _one_noun_labels(first, second):
        return True  # two columns of one thing: "Old button,Better button" over "Submit,Send my order"
    if _kinds_over_words(first, second):
        return True  # ...in lower case too: a teacher's "verb,person" over "sing,singer" was stored as a pair
    return _plain_over_marked(first, second)


def _plain_over_marked(first: list[str], second: list[str]) -> bool:
    """Lower-case words over cells that are not ("extension,language" over ".py,Python")."""
    return all(_plain(c) for c in first) and not all(_plain(c) for c in second)


def _one_noun_labels(first: list[str], second: list[str]) -> bool:
    """Two labels of two or three words ending on one noun that the next row does not hold ("Old
    button,Better button", "Original text,Rewritten text"): the columns of a thing, not a pair of it."""
    split = [c.lower().split() for c in first]
    if any(not 2 <= len(w) <= 3 for w in split) or split[0][-1] != split[1][-1] or split[0] == split[1]:
        return False
    return not any(split[0][-1] in c.lower().split() for c in second)


def _kinds_over_words(first: list[str], second: list[str]) -> bool:
    """Two lower-case words naming kinds over words that do not ("verb,person" over "sing,singer",
    "monster,element" over "goblin,earth"): a header, though it could be a pair, so it is said."""
    return all(_plain(c) and _names_a_kind(c) for c in first) and not all(_names_a_kind(c) for c in second)


# Words that name a kind of thing, as a spreadsheet's column does ("Style", "Country"), where a row
# of data names things ("Stout", "Ireland")
KIND_WORDS = frozenset("""country city state capital currency language nationality continent region place location
    origin style type kind category class group colour color school aroma smell flavour flavor taste animal species
    breed food dish drink beer wine hop spell monster creature lair habitat element symbol person artist author book
    title team sport instrument player company product brand item price size verb noun adjective adverb plural
    singular tense comparative superlative participle gerund infinitive synonym antonym opposite code status
    description level grade role job department manager owner day month year date number amount average unit line
    voice reply message draft english french german spanish italian abbr abbrev abbreviation system suffix prefix
    base meaning
    palabra significado traduccion tema ejemplo frase palavra traducao exemplo mot sens traduction exemple
    wort bedeutung ubersetzung beispiel parola significato traduzione esempio""".split())
# (the last two lines: a vocabulary list's columns in its learner's language, "palabra;significado;tema"
# was stored as the pair palabra -> significado)


def _names_a_kind(cell: str) -> bool:
    low = "".join(c for c in unicodedata.normalize("NFKD", cell.lower()) if not unicodedata.combining(c))
    return low in KIND_WORDS or low.removesuffix("s") in KIND_WORDS or low in COLUMN_WORDS


def _plain(cell: str) -> bool:
    """Lower-case letters, with the spaces, hyphens and apostrophes of words ("ice cream", "o'clock"),
    or words that are another's alternatives ("puppy/pup", as BATS lists a pair's answers)."""
    return bool(re.fullmatch(r"[a-z][a-z '\-]*(?:/[a-z][a-z '\-]*)*", cell))


# Names people give a pairs file's two columns: a first row of two of them is a header.
COLUMN_WORDS = {"input", "output", "source", "target", "prompt", "completion", "response", "word", "term", "text",
                "phrase", "sentence", "name", "abbr", "abbreviation", "acronym", "meaning", "definition",
                "expansion", "question", "answer", "original", "translation", "rewrite", "rewritten",
                "key", "value", "label", "emoji", "example", "result"}


ID_COLUMNS = {"id", "#", "no", "no.", "index", "row", ""}  # a first column of row numbers
NOTE_COLUMNS = {"notes", "note", "comment", "comments", "remarks", "id", "tags", "source"}  # a header's last column


def _header(cells: tuple[str, ...], program: str | None = None,
            typed: list[str] | None = None) -> tuple[int | None, int, int] | None:
    """The (program, input, output) positions a first row names, or None when it is data: known
    column pairs anywhere in the row (input,output,notes); a row of three or more ending in a notes
    column (Customer reply draft,Polished reply,Notes; Department,Manager,Notes as `typed`, each
    capitalised, though a program's name could start a row of data: plural,note,notes; or four or
    more, which no program,input,output row is: en,fr,domain,status,note); or two cells, both common column names
    (abbr,meaning) or one a word of the program's name, plural or not (`word,emoji` in emoji.csv,
    `element,symbol` in elements.csv: people name files after columns)."""
    for a, b in HEADER_NAMES:
        if a in cells and b in cells:
            return (cells.index("program") if "program" in cells else None), cells.index(a), cells.index(b)
    first = typed[0].strip() if typed else cells[0]  # (a program's name is typed in lower case: "British" is none)
    if len(cells) >= 3 and cells[-1] in NOTE_COLUMNS and (not NAME_RE.match(first) or len(cells) > 3 or (
            typed is not None and all(c[:1].isupper() for c in typed))):
        return None, 0, 1  # "Customer reply draft,Polished reply,Notes", as a spreadsheet exports it
    if len(cells) >= 3 and cells[0] in ID_COLUMNS and (len(cells) == 3 or
                                                       all(c and not c.isdigit() for c in cells[1:])):
        return None, 1, 2  # "id,message,reply(,channel)": a row number, then the pair (then what is left out)
    own = {w.removesuffix("s") for w in re.split(r"[-_.]", program)} if program else set()
    if len(cells) == 2 and ({c.removesuffix("s") for c in cells} & own or all(c in COLUMN_WORDS for c in cells)):
        return None, 0, 1
    return None


def _from_object(path: Path, n: int, obj, program: str | None, raw: str) -> Row | Reject:
    if not isinstance(obj, dict):
        return Reject(str(path), n, "expected an object with 'input' and 'output'", raw)
    for a, b in HEADER_NAMES:
        if a in obj or b in obj:
            return _check(path, n, obj.get("program", program), obj.get(a), obj.get(b), raw)
    others = [str(k) for k in obj if k != "program"]
    if len(others) >= 2:  # a chat log's {"message", "reply"}: say what it holds and how to read it
        return Reject(str(path), n, f"field 'input' is missing (its fields: {', '.join(others)}; --columns "
                                    f"{others[0]},{others[1]} reads those two)", raw)
    return _check(path, n, obj.get("program", program), None, None, raw)


def _jsonl(path: Path, fmt: str, program: str | None, fields: tuple[str, str] | None = None) -> Iterator[Row | Reject]:
    """JSON lines of {"input", "output"} (or a known pair of names); `fields`: --columns, the two
    fields to read ({"message", "reply"} of a chat log)."""
    for n, text in _text_lines(path):
        if n is None:
            yield text  # a Reject
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Reject(str(path), n, f"{json_reason(exc)}", text[:200])
            continue
        yield _from_fields(path, n, obj, program, text, fields)


def _from_fields(path: Path, n: int, obj, program: str | None, text: str, fields: tuple[str, str] | None):
    """An object's pair: its `fields` (--columns) when given, else its input and output by name."""
    if fields and isinstance(obj, dict):
        missing = [f for f in fields if f not in obj]
        if missing:
            return Reject(str(path), n, f"field '{missing[0]}' is missing (its fields: {', '.join(map(str, obj))})", text)
        return _check(path, n, obj.get("program", program), obj[fields[0]], obj[fields[1]], text)
    return _from_object(path, n, obj, program, text)


def _json(path: Path, fmt: str, program: str | None, fields: tuple[str, str] | None = None) -> Iterator[Row | Reject]:
    """A JSON list (the function-vector files), read one item at a time, each numbered by the line
    it starts on; or {"examples": [...], "name"} (a program file: parsed whole). fv files name
    their program by their stem. `fields`: --columns, the two fields of a list's objects to read."""
    if fmt == "fv":
        program = _stem_name(path)
    items = _json_list_items(path)
    first = next(items, None)
    if isinstance(first, dict):  # the whole document was an object
        data = first
        if "examples" not in data and data and all(_map_value(v) for v in data.values()):
            # {"22": "ssh", "80": "http"}: a map of inputs to outputs, as an engineer keeps a lookup table
            for i, (a, b) in enumerate(data.items(), 1):
                for out in (b if isinstance(b, list) else [b]):
                    yield _check(path, i, program, a, str(out), json.dumps({a: b}, ensure_ascii=False)[:200])
            return
        if not isinstance(data.get("examples"), list):
            raise ProgdbError(f"{path}: expected a JSON list of {{\"input\", \"output\"}} objects, a program "
                              "file's {\"examples\": [...]}, or a map of inputs to outputs ({\"cat\": \"cats\"})")
        program = program or data.get("name")
        for i, obj in enumerate(data["examples"], 1):
            yield _from_object(path, i, obj, program, json.dumps(obj, ensure_ascii=False)[:200])
        return
    if first is None:
        return
    for line, obj in itertools.chain([first], items):
        yield _from_fields(path, line, obj, program, json.dumps(obj, ensure_ascii=False)[:200], fields)


def _one_object(path: Path) -> bool:
    """Is the file (of at most a few MB) one JSON object: a map of inputs to outputs, or a program
    file's {"examples": [...]}, however its lines fall?"""
    if path.stat().st_size > MAX_ONE_OBJECT:
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return False
    named = {name for pair in HEADER_NAMES for name in pair}  # ({"input": "a", "output": "b"} is one JSON line's pair)
    return isinstance(data, dict) and bool(data) and (isinstance(data.get("examples"), list) or (
        all(_map_value(v) for v in data.values()) and not named & set(data)))


MAX_ONE_OBJECT = 8 * 2 ** 20


def _map_value(value) -> bool:
    """An output of a JSON map: a string or a number, or a list of them (several outputs)."""
    plain = (str, int, float)
    return (isinstance(value, plain) and not isinstance(value, bool)) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, plain) and not isinstance(v, bool) for v in value))


JSON_CHUNK = 1 << 20
JSON_MAX_ITEM = 4 * MAX_LINE  # an item holds two sides of at most MAX_FIELD characters


def _json_list_items(path: Path) -> Iterator[tuple[int, object] | dict]:
    """(line, item) for each item of a top-level JSON list, holding about one chunk of the file at
    a time (a 1 GB list does not need 1 GB); a top-level object is yielded whole instead."""
    decoder, text_decoder = json.JSONDecoder(), codecs.getincrementaldecoder("utf-8-sig")()
    with open(path, "rb") as fh:
        buf, pos, line, at_end, read = "", 0, 1, False, 0

        def more() -> bool:
            nonlocal buf, pos, at_end, read
            if at_end:
                return False
            raw = fh.read(JSON_CHUNK)
            try:
                text = text_decoder.decode(raw, final=not raw)
            except UnicodeDecodeError as exc:
                raise ProgdbError(f"{path}: not UTF-8 text (byte {read + exc.start})") from None
            read += len(raw)
            at_end = not raw
            buf, pos = buf[pos:] + text, 0
            return True

        def skip_space() -> str:
            nonlocal pos, line
            while True:
                while pos < len(buf) and buf[pos] in " \t\r\n":
                    line += buf[pos] == "\n"
                    pos += 1
                if pos < len(buf) or not more():
                    return buf[pos] if pos < len(buf) else ""

        def bad(problem):
            reason = json_reason(problem) if isinstance(problem, json.JSONDecodeError) else \
                f"not valid JSON ({problem}{'; the file ends inside the list: is it cut short?' if at_end else ''})"
            return ProgdbError(f"{path}, line {line}: {reason}")

        opening = skip_space()
        if opening == "{":
            while more():
                pass
            try:
                yield json.loads(buf[pos:])
            except json.JSONDecodeError as exc:
                raise ProgdbError(f"{path}, line {line + exc.lineno - 1}: {json_reason(exc)}") from None
            return
        if opening != "[":
            if opening == "":
                return
            raise bad("expected a list '[' or an object '{'")
        pos += 1
        if skip_space() == "]":
            return
        while True:
            if skip_space() == "":
                raise bad("the list is not closed")
            while True:
                try:
                    item, end = decoder.raw_decode(buf, pos)
                    if end == len(buf) and not at_end and not buf[pos] in "[{\"":
                        raise json.JSONDecodeError("number may continue", buf, end)  # e.g. 12|34
                    break
                except json.JSONDecodeError as exc:
                    # An item cut by the chunk's end needs more text; a broken one stops the read
                    # once it is longer than any item could be, instead of reading the file whole.
                    if len(buf) - pos > JSON_MAX_ITEM or not more():
                        raise bad(exc) from None
            yield line, item
            line += buf.count("\n", pos, end)
            pos = end
            sep = skip_space()
            if sep == "]":
                return
            if sep != ",":
                raise bad("the list is not closed" if sep == "" else "expected ',' or ']' after an item")
            pos += 1


def _analogy(path: Path, fmt: str, program: str | None) -> Iterator[Row | Reject]:
    section = None
    for n, text in _text_lines(path):
        if n is None:
            yield text  # a Reject
            continue
        line = text.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(":"):
            section = _slug(line[1:])
            continue
        words = line.split()
        if section is None:
            yield Reject(str(path), n, "a pair before any ': section' line", text)
        elif len(words) != 4:
            yield Reject(str(path), n, f"expected four words 'a b c d', found {len(words)}", text)
        else:
            yield _check(path, n, section, words[0], words[1], text)
            yield _check(path, n, section, words[2], words[3], text)


_TRAILING_COMMENT = re.compile(r"\s+#\s.*$")  # "dormir: dormí   # NOT durmí": a note to oneself, no part of the answer


def _list_item(line: str) -> str:
    """A jotted line without its list's bullet or number or a comment after a '#', and its sides without
    markdown's emphasis."""
    line = _TRAILING_COMMENT.sub("", line).strip()
    bullet = _LIST_MARK.match(line)
    if bullet and bullet.end() < len(line):
        line = line[bullet.end():]
    return _EMPHASIS.sub(lambda m: m.group(2) or m.group(3), line) if "*" in line or "_" in line or "`" in line else line


def _comma_first(line: str) -> bool:
    """A comma before the mark that splits a jotted pair: a row of cells, not "Largo – very slow, broad"."""
    line = _list_item(line)
    mark = _ARROW.search(line) or _JOTTED.search(line)
    return "," in (line[:mark.start()] if mark else line)


def _jotted_pair(line: str) -> list[str] | None:
    """A line's two sides: split at its first arrow (`->`, `=>`, `→`), else at an `=` or a colon, else
    (two words alone) at the space between them; None when none of these splits it. A list's bullet or
    number before it is no part of it."""
    line = _list_item(line)
    for pattern in (_ARROW, _JOTTED):
        parts = pattern.split(line, maxsplit=1)
        if len(parts) == 2 and all(p.strip() for p in parts):
            return [p.strip() for p in parts]
        if pattern is _ARROW and len(parts) == 2:
            return None  # "donkey ->": an arrow with a side empty (it was stored as donkey -> "->")
    words = line.split()
    return words if len(words) == 2 and all(re.search(r"\w", w) for w in words) else None


def _arrows(path: Path, fmt: str, program: str | None) -> Iterator[Row | Reject]:
    """`input -> output` a line (also `=>`, `→`), as people jot pairs down; split at the first arrow,
    so commas and later arrows belong to the output. Without an arrow: `a = b`, `a:b`, or two words.
    A first line of longer sides over lines of one word each is a title ("British -> American
    spellings (my list)" over "colour -> color"), said and left out."""
    title = title_line(path)
    for n, text in _text_lines(path):
        if n is None:
            yield text  # a Reject
            continue
        if not text.strip() or text.startswith("#"):
            continue
        parts = _jotted_pair(text)
        if title is not None:
            title = None
            continue
        arrow = _ARROW.search(text) or _DANGLING_MARK.search(_list_item(text))
        if parts is None and arrow:
            side = "before" if not _list_item(text)[:arrow.start()].strip() else "after"
            yield Reject(str(path), n, f"nothing {side} its '{arrow.group(0).strip()}'", text)
        elif parts is None:
            yield Reject(str(path), n, "expected 'input -> output' (or 'input = output', 'input: output', "
                                       "'input - output', or two words)", text)
        else:
            yield _check(path, n, program, parts[0], parts[1], text)


def _mark_of(line: str) -> str:
    """What splits a jotted pair: its arrow, '=', ':' or dash, or "" (two words)."""
    line = _list_item(line)
    for pattern in (_ARROW, _JOTTED):
        found = pattern.search(line)
        if found:
            return found.group(0).strip()
    return ""


def title_line(path: Path) -> str | None:
    """A jotted list's first line when it is the list's title: a side of three or more words (or in
    brackets), or two words each side, over lines whose sides are single words ("British -> American
    spellings (my list)")."""
    lines = [t.strip() for n, t in itertools.islice(_text_lines(path), PEEKED_ROWS + 1)
             if n is not None and t.strip() and not t.startswith("#")]
    parts = [_jotted_pair(t) for t in lines]
    # (a stray bad line below is that line's error, not the title's: "More abbrevs (from clinical)" over "• tab –")
    if len(parts) < 3 or sum(not p for p in parts[1:]) > STRAY_LINES or len([p for p in parts[1:] if p]) < 2:
        return None
    lines, parts = lines[:1] + [t for t, p in zip(lines[1:], parts[1:]) if p], parts[:1] + [p for p in parts[1:] if p]
    if not parts[0]:  # no pair at all: "Family words parole di famiglia" over "mother = mamma"
        return None if _ARROW.search(lines[0]) else lines[0]  # ("owl ->" is a pair short of its output)
    marks = {_mark_of(t) for t in lines[1:]}
    # (dashes of two kinds are one mark typed two ways: "Abbrevs 2" over "• bsa – …" and "• caps - capsules")
    if (len(marks) == 1 or marks <= {"-", "–", "—"}) and _mark_of(lines[0]) not in marks:  # "Family words - parole di famiglia" over "mother = mamma"
        return lines[0]
    if _mark_of(lines[0]) == "" and "" not in marks:
        return lines[0]  # two words and no mark over lines of marks of any kind: "Sowing 2026" over "leek – March", "parsnip: march"
    # (or two words a side: "Element symbols - chem tutoring" over "Hydrogen - H" was stored as a pair)
    if not any(len(p.split()) >= 3 or "(" in p for p in parts[0]) and not all(len(p.split()) >= 2 for p in parts[0]):
        return None
    if all(all(len(side.split()) == 1 for side in b) for b in parts[1:]):
        return lines[0]
    if all(len(parts[0][i].split()) > max(len(b[i].split()) for b in parts[1:]) for i in (0, 1)):
        return lines[0]  # each side longer than any below: "When to sow - nursery list" over "sweet pea - October"
    # ...or over pairs of sentences, a note in brackets on it, the lines below none: "Terse reply -> polite version
    # (examples from QA reviews, Q1)" over "reboot and try again -> Could you please restart …"
    return lines[0] if lines[0].rstrip().endswith(")") and not any("(" in t for t in lines[1:]) else None


def _yaml(path: Path, fmt: str, program: str | None) -> Iterator[Row | Reject]:
    """A YAML map of inputs to answers (`hablar: hablé`, an answer list for several), as notes apps keep
    them, or of sections of such maps, each section a program of its name (`preterite:` over its verbs;
    with --program, a file's one section takes that name). An entry holding fields, not an answer
    (`Spain: {currency: euro, code: "+34"}`), is a table's row: a bad row, named."""
    import yaml

    if path.stat().st_size > MAX_ONE_OBJECT:
        raise ProgdbError(f"{path}: a YAML file of pairs is read whole, at most {MAX_ONE_OBJECT >> 20} MB; "
                          "save a larger one as csv or jsonl")
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise ProgdbError(f"{path}{where}: not YAML ({getattr(exc, 'problem', None) or exc})") from None
    if root is None:
        return
    if not isinstance(root, yaml.MappingNode):
        raise ProgdbError(f"{path}: expected a YAML map of inputs to answers (`cat: cats`), or of sections of them")
    if any(isinstance(k, yaml.ScalarNode) and k.value == "examples" for k, _ in root.value):
        raise ProgdbError(f"{path}: a program file (it has examples): add it with `progdb add {path}`")
    sections = [(k, v) for k, v in root.value if isinstance(v, yaml.MappingNode)]
    alone = program if program and len(sections) == 1 and len(sections) == len(root.value) else None

    def raw(node) -> str:
        return lines[node.start_mark.line][:200] if node.start_mark.line < len(lines) else ""

    def pairs(entries, name: str | None) -> Iterator[Row | Reject]:
        for key, value in entries:
            n = key.start_mark.line + 1
            if isinstance(value, yaml.MappingNode):
                fields = ", ".join(str(k.value) for k, _ in value.value[:4])
                yield Reject(str(path), n, f"'{key.value}' holds fields ({fields}), not one answer: save such a "
                                           "table as a csv, a column each", raw(key))
                continue
            answers = value.value if isinstance(value, yaml.SequenceNode) else [value]
            if not answers or any(not isinstance(a, yaml.ScalarNode) for a in answers):
                yield Reject(str(path), n, f"'{key.value}' has no answer of text", raw(key))
                continue
            for answer in answers:
                if answer.value == "" and answer.tag.endswith(":null"):
                    yield Reject(str(path), n, "nothing after its ':'", raw(key))
                else:
                    yield _check(path, n, name, str(key.value), str(answer.value), raw(key))

    yield from pairs([(k, v) for k, v in root.value if not isinstance(v, yaml.MappingNode)], program)
    for key, value in sections:
        yield from pairs(value.value, alone or _slug(str(key.value)))


def _bats(path: Path, fmt: str, program: str | None) -> Iterator[Row | Reject]:
    name = program or _stem_name(path)  # (a researcher's --program was left for the file's name)
    for n, text in _text_lines(path):
        if n is None:
            yield text  # a Reject
            continue
        parts = text.split("\t")
        if len(parts) != 2:
            yield Reject(str(path), n, "expected 'word<TAB>answer1/answer2'", text)
            continue
        answers = list(dict.fromkeys(a.strip() for a in parts[1].split("/") if a.strip()))
        for answer in answers or [""]:  # every answer is a pair of its own
            yield _check(path, n, name, parts[0], answer, text)


def _slug(text: str) -> str:
    words = "-".join("".join(c if c.isalnum() or c in "._-" else " " for c in text.lower()).split())
    return re.sub(r"-{2,}", "-", words).strip("-") or words  # "animal - young": animal-young, not animal---young


def _stem_name(path: Path) -> str:
    """A file's program name: its stem as a name ("E05 [animal - young].txt" is e05-animal-young; its
    code stays, so that BATS's E01 [country - capital] grows no built-in country-capital)."""
    return _slug(path.stem.replace("_", "-"))
