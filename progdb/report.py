"""Query results for a person: the answer alone, or every stage with --explain."""
from __future__ import annotations

from difflib import SequenceMatcher

from progdb.query.execute import TOO_UNSURE, candidate_list, no_answer
from progdb.query.result import QueryResult


def _sureness(out) -> str:
    """How sure the answer is: a stored pair, or a computed answer's confidence (confidence.py)."""
    if out.source == "stored":
        return " (stored example)" if out.sure else "?  (stored example, but not sure: see the note)"
    if out.confidence is None:
        return ""
    if not out.sure:
        return f"?  (not sure: confidence {out.confidence:.2f}; a best guess)"
    return f"  (confidence {out.confidence:.2f})"


def result_text(r: QueryResult) -> str:
    """The answer; a second request of the prompt ("... and past tense of go") follows it."""
    return "\n".join([_one_result(r)] + [_one_result(a) for a in r.also])


def _one_result(r: QueryResult) -> str:
    if r.mode == "none":  # (the program was found and its guess held back: no answer, not no program)
        return f"{'no answer' if TOO_UNSURE in r.message else 'no program'}: {r.message}"
    lines = []
    if r.mode == "interpolated":
        progs = " + ".join(f"{m.name} ({m.weight:.2f})" for m in r.programs)
    elif r.mode == "composed":
        progs = " then ".join(m.name for m in r.programs)
    else:
        progs = r.programs[0].name
    # A chain is as sure as its weakest step; otherwise the best program's score, as before.
    score = min(m.score for m in r.programs) if r.mode == "composed" else r.programs[0].score
    if r.parse_method == "in-context":  # scored by how well the demonstrations fit, not by a key
        fit = r.fit or (f"fit {score:.2f}" if r.mode != "in-context" else "")
        lines.append(f"{progs}  [{r.mode}" + (f", {fit}]" if fit else "]"))
    else:
        lines.append(f"{progs}  [{r.mode}, key match {score:.2f}]")
    if r.message:
        lines.append(f"note: {r.message}")
    for e in r.entities:
        lines.append(f"  {e['slot']}: {e['value']}")
    for i, out in enumerate(r.outputs):
        if out.source == "error":
            lines.append(f"{out.input}: {'no answer' if no_answer(out) else 'error'}: {out.error}")
        elif out.source in ("compiled", "llm"):
            if len(r.outputs) > 1:
                lines.append(f"--- input {i + 1}")
            if out.note:
                lines.append(f"note: {out.note}")
            lines.append(out.answer or "")
        else:
            answer = " / ".join(out.answers) if out.source == "stored" and out.answers else out.answer
            lines.append((" -> ".join(out.chain) if out.chain else f"{out.input} -> {answer}") + _sureness(out))
            # A stored answer is the answer: what the arithmetic would rank (mouses 1.90 above
            # mice) only puzzles here; --explain and --json show it.
            if out.candidates and out.source != "stored":
                lines.append(f"  candidates: {candidate_list(out, len(out.candidates))}")  # as many as -k asked
            if out.note:
                lines.append(f"  note: {out.note}")
    return "\n".join(lines)


def _as_read(r: QueryResult, key: str) -> str:
    """Where the key is the prompt with words cut from its middle (an input), the prompt with them
    marked: "the is the currency of which country" read as a broken key (a teacher's --explain)."""
    typed = r.prompt.split()
    words = key.split()
    if not words or len(words) >= len(typed):
        return ""
    blocks = [b for b in SequenceMatcher(None, typed, words, autojunk=False).get_matching_blocks() if b.size]
    # one cut: the key is the prompt's words before it and after it, each side some
    if len(blocks) != 2 or blocks[0].a != 0 or blocks[0].b != 0 or blocks[1].b != blocks[0].size or \
            blocks[1].a + blocks[1].size != len(typed) or blocks[1].b + blocks[1].size != len(words):
        return ""
    cut = typed[blocks[0].size:blocks[1].a]
    return f" (read as {' '.join(typed[:blocks[0].size] + ['{' + ' '.join(cut) + '}'] + typed[blocks[1].a:])!r})"


def explain_text(r: QueryResult) -> str:
    """Every stage; a second request of the prompt gets its own stages after the first's."""
    return "\n".join([_one_explained(r)] + [f"--- the second request: {a.prompt!r}\n" + _one_explained(a)
                                             for a in r.also])


def _one_explained(r: QueryResult) -> str:
    lines = ["1. parse", f"   prompt:   {r.prompt!r}", f"   method:   {r.parse_method}"]
    if r.template:
        lines.append(f"   template: {r.template}")
    lines += [f"   key:      {r.key!r}" + _as_read(r, r.key), f"   inputs:   {r.inputs!r}"]
    if r.slots:
        lines.append(f"   slots:    {r.slots!r}")
    score = "router probability" if r.router == "classifier" else \
        "cosine of its best key to the prompt's words it was compared with"
    lines += ["2. retrieve", f"   nearest programs ({score}; threshold {r.threshold:.2f}):"]
    for c in sorted(r.candidates, key=lambda c: -c.score):  # the reader's order counts inputs too
        compared = f" ~ {c.matched!r}" + _as_read(r, c.matched) if c.matched and c.matched != c.key else ""
        lines.append(f"     {c.score:.3f}  {c.name:<24} via key {c.key!r}{compared}")
    lines.append(f"   decision: {r.mode}" + (f" ({r.message})" if r.message else ""))
    if r.accepted:
        lines.append(f"   taken below the threshold: {r.accepted}")
    for m in r.programs:
        lines.append(f"     {m.name} weight {m.weight:.2f}")
    lines.append("3. execute" + (f" ({r.kind} program)" if r.kind else ""))
    if r.mode == "none":
        lines.append("   nothing to run")
    for out in r.outputs:
        if out.source == "error":
            lines.append(f"   {out.input!r}: {'no answer' if no_answer(out) else 'error'}: {out.error}")
        elif out.source == "compiled":
            lines.append(f"   compiled prompt for {out.input[:40]!r}:")
            lines += ["   | " + line for line in (out.answer or "").splitlines()]
        elif out.source == "llm":
            lines.append(f"   LLM reply for {out.input[:40]!r}" + (f" ({out.note})" if out.note else "") + ":")
            lines += ["   | " + line for line in (out.answer or "").splitlines()]
        else:
            answer = " / ".join(map(repr, out.answers)) if out.source == "stored" and out.answers else repr(out.answer)
            steps = " -> ".join(map(repr, out.chain)) if out.chain else f"{out.input!r} -> {answer}"
            sure = f", confidence {out.confidence:.2f}" + ("" if out.sure else ", not sure") if out.confidence is not None else ""
            lines.append(f"   {steps} ({out.source}{sure})")
            if out.candidates:  # (a stored answer runs no arithmetic: none)
                lines.append(f"     candidates: {candidate_list(out, 10)}")
    for c in r.compiled:
        lines.append(f"   demonstrations chosen for {c.input[:40]!r}:")
        for ex in c.examples:
            lines.append(f"     {ex['score']:.3f} [{ex['program']}] {ex['input'][:60]!r}")
        for note in c.notes:
            lines.append(f"     ({note})")
    return "\n".join(lines)
