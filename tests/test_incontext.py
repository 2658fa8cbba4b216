"""Programs from examples: in-context prompts, composition and `which`, on the seeded database."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from progdb.cli import cli
from progdb.query.incontext import parse_analogy, parse_incontext


@pytest.mark.parametrize("prompt", [
    "king: queen, man: woman, boy:",
    "king -> queen\nman -> woman\nboy ->",
    "king => queen; man => woman; boy =>",
    "king → queen, man → woman, boy → ?",
    "king => queen / man => woman / boy =>",
])
def test_in_context_forms_parse(prompt):
    assert parse_incontext(prompt) == ([("king", "queen"), ("man", "woman")], "boy")


@pytest.mark.parametrize("prompt", [
    "man is to woman as king is to ?", "man:woman::king:?", "man : woman :: king : what",
    "king - man + woman", "king − man + woman = ?", "complete the analogy: man is to woman as king is to _",
    "king minus man plus woman", "what's king plus woman minus man?", "king-man+woman",
    "man woman king ?",  # gensim's questions-words line, asked (a student's "slow slower fast ?" was refused)
    # as papers write it (a researcher's were refused)
    "vec(king) - vec(man) + vec(woman)", "x = king - man + woman, x = ?", "v('king') - v('man') + v('woman')",
])
def test_analogies_as_people_write_them_parse(prompt):
    """They were read as requests: "king - man + woman" answered `man + -> woman?`."""
    assert parse_incontext(prompt) == ([("man", "woman")], "king")


def test_demonstrations_typed_in_lower_case_name_the_program_storing_them_capitalised(seeded):
    """"france: french, germany: german, italy:" said no stored program fits (nationality-adjective at
    0.97 beside the pairs' own 0.95), though it stores France -> French and Germany -> German."""
    r = seeded.query("france: french, germany: german, italy:")
    assert r.mode == "nearest" and r.programs[0].name == "nationality-adjective", (r.mode, r.message)
    assert r.outputs[0].answer == "Italian"


def test_an_analogy_is_answered_and_never_with_its_own_words(seeded):
    """"paris is to france as tokyo is to ?" was refused; "apple: red, banana:" answered *red*,
    which gensim's most_similar never returns (an analogy's own words are left out)."""
    assert seeded.query("king - man + woman").outputs[0].answer == "queen"
    assert seeded.query("paris is to france as tokyo is to ?").outputs[0].answer.lower() == "japan"
    out = seeded.query("apple: red, banana:").outputs[0]
    assert out.answer != "red" and all(c.answer not in ("apple", "red", "banana") for c in out.candidates)


@pytest.mark.parametrize("prompt", [
    "rewrite: hello, world", "capital of France", "plural of cat", "translate to French: good morning",
    "Note: the meeting moved, see you there", "the state is to the people as", "what is to be done",
    "plural of cat ?", "what is love ?",
])
def test_prose_is_not_taken_for_demonstrations(prompt):
    assert parse_incontext(prompt) is None


def test_demonstrations_find_the_stored_program(seeded):
    r = seeded.query("king: queen, man: woman, boy:")
    assert r.parse_method == "in-context" and r.mode == "nearest"
    assert r.programs[0].name == "male-to-female" and "male-to-female" in r.message
    assert r.outputs[0].answer == "girl"


def test_demonstrations_of_an_unknown_relation_are_their_own_program(seeded):
    # Animal -> its home: no stored program holds it.
    r = seeded.query("bee: hive, bird: nest, spider: web, rabbit:")
    assert r.mode == "in-context", (r.mode, r.candidates[:2])
    assert "own pairs" in r.message
    # ...and animal -> its young is animal-young's (it was this test's unknown relation before it was stored)
    r = seeded.query("cat: kitten, dog: puppy, cow: calf, sheep: lamb, horse:")
    assert r.programs[0].name == "animal-young" and r.outputs[0].answer == "foal", (r.mode, r.outputs)


def test_without_stored_lookup_the_program_is_measured(seeded):
    with_memory = seeded.query("plural of mouse")
    assert with_memory.outputs[0].source == "stored"
    measured = seeded.query("plural of mouse", use_stored=False)
    assert measured.outputs[0].source == "vector"


@pytest.mark.parametrize("prompt", ["the plural of the feminine of king",
                                    # (a student's: "plural" was dropped, *queen* given as stored and sure)
                                    "the plural of the female of king"])
def test_composition_runs_both_programs_and_shows_the_chain(seeded, prompt):
    r = seeded.query(prompt)
    assert r.mode == "composed"
    assert [m.name for m in r.programs] == ["male-to-female", "plural"]
    assert r.outputs[0].chain == ["king", "queen", "queens"]
    assert r.outputs[0].answer == "queens"


@pytest.mark.parametrize("prompt, program, answer", [
    ("what's the capital of the united states", "country-capital", "Washington, D.C."),
    ("what currency is used in the united states", "country-currency", "dollar"),
])
def test_a_stored_input_of_several_words_is_not_read_as_a_request(seeded, prompt, program, answer):
    # "the united states" once read as city-to-state's "states" of "united": Carolina.
    r = seeded.query(prompt)
    assert r.mode == "nearest" and r.programs[0].name == program, (r.mode, r.programs)
    assert r.inputs == ["united states"] and r.outputs[0].answer == answer


def test_a_disjunction_blends_rather_than_composes(seeded):
    assert seeded.query("comparative or superlative of big").mode == "interpolated"


def test_which_names_the_program(seeded_path):
    out = CliRunner().invoke(cli, ["--db", seeded_path, "which", "king", "queen", "man", "woman", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["programs"][0]["name"] == "male-to-female"
    assert data["programs"][0]["score"] > data["programs"][1]["score"]
    assert data["programs"][0]["stores"] is True
    # next-item stores monday -> tuesday; the comparative's offset fit two neighbouring words better
    out = CliRunner().invoke(cli, ["--db", seeded_path, "which", "monday", "tuesday"])
    assert out.output.splitlines()[0].endswith("next-item  (stores every pair)"), out.output
    # a relation asked the other way round is a program's way back, and said so
    out = CliRunner().invoke(cli, ["--db", seeded_path, "which", "tokyo", "japan", "paris", "france"])
    assert out.output.splitlines()[0].endswith("country-capital  (stores every pair reversed)"), out.output
    out = CliRunner().invoke(cli, ["--db", seeded_path, "which", "tokyo", "japan", "--json"])
    assert json.loads(out.output)["programs"][0] == {**json.loads(out.output)["programs"][0], "name": "country-capital",
                                                     "stores": False, "stores_reversed": True}
    # scored the way it stores them: female-to-male on queen -> king (on king -> queen its fit read -1.40)
    out = CliRunner().invoke(cli, ["--db", seeded_path, "which", "king", "queen", "--json"])
    turned = [p for p in json.loads(out.output)["programs"] if p["stores_reversed"]]
    assert [p["name"] for p in turned] == ["female-to-male"] and 0.5 < turned[0]["score"] <= 1.0, turned
    odd = CliRunner().invoke(cli, ["--db", seeded_path, "which", "king"])
    assert odd.exit_code != 0 and "pairs" in odd.output
    # nothing stores bee -> hive and no offset lines up: said, and exit 1 (a list alone read as an answer)
    out = CliRunner().invoke(cli, ["--db", seeded_path, "which", "bee", "hive", "bird", "nest"])
    assert out.exit_code == 1 and out.output.startswith("no stored program fits these pairs"), out.output
    out = CliRunner().invoke(cli, ["--db", seeded_path, "which", "bee", "hive", "bird", "nest", "--json"])
    assert out.exit_code == 1 and json.loads(out.output)["fits"] is False, out.output


def test_eval_icl_json(seeded_path, tmp_path):
    task = tmp_path / "singular-plural.json"
    pairs = [("dog", "dogs"), ("cat", "cats"), ("car", "cars"), ("book", "books"), ("city", "cities"),
             ("tree", "trees"), ("church", "churches"), ("baby", "babies")]
    task.write_text(json.dumps([{"input": a, "output": b} for a, b in pairs]))
    out = CliRunner().invoke(cli, ["--db", seeded_path, "eval", "icl", str(task), "--shots", "3", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["shots"] == 3 and data["per_task"]["singular-plural"]["n"] == 8
    assert data["per_task"]["singular-plural"]["acc1"] >= 0.75


@pytest.mark.parametrize("prompt, program, answer", [
    # One demonstration names a program when it leads the others clearly.
    ("France -> Paris\nJapan ->", "country-capital", "Tokyo"),
    ("tall -> short\nhappy ->", "antonym", None),
    # Below the threshold by less than a lead, a clear leader answers what it stores (left -> right).
    ("hot => cold / up => down / left =>", "antonym", "right"),
    # Synonyms fit antonym only slightly better than synonym: a near tie names neither (the old
    # absolute threshold named the first).
    ("happy -> glad, big -> large, quick ->", None, None),
    # A program that stores every demonstration is named (WordNet's antonyms: cold -> hot, up -> down).
    ("cold -> hot, up -> down, early ->", "antonym", "late"),
    # A seeded relation reversed: its way back, which the stored pairs answer.
    ("Paris -> France, Tokyo -> Japan, Rome ->", "country-capital", "Italy"),
    ("dogs -> dog, cats -> cat, cars -> car, books ->", "plural", "book"),
    # Made-up pairs no stored program holds.
    ("dog -> bark, cat -> meow, cow -> moo, duck ->", None, None),
])
def test_demonstrations_name_a_program_only_when_it_leads(seeded, prompt, program, answer):
    r = seeded.query(prompt)
    assert r.mode == ("nearest" if program else "in-context"), (r.mode, r.candidates[:2])
    # Unnamed, the demonstrations are their own program, or the string program that reproduces them
    # (books -> book: one character off the end; tests/test_symbolic.py).
    assert r.programs[0].name in ({program} if program else {"in-context", "symbolic"})
    if answer:
        assert r.outputs[0].answer == answer


def test_stored_program_beats_a_string_program_that_also_fits(seeded):
    # "add an s" reproduces both demonstrations; 'plural' stores them and knows better.
    r = seeded.query("cat: cats, dog: dogs, mouse:")
    assert r.programs[0].name == "plural"
    assert r.outputs[0].answer == "mice"


def test_stored_knowledge_answers_in_context(seeded):
    # One demonstration stored by 'next-item' (and not by 'previous-item') names it; Friday is stored.
    r = seeded.query("Monday: Tuesday; Friday:")
    assert r.programs[0].name == "next-item"
    assert (r.outputs[0].answer, r.outputs[0].source) == ("Saturday", "stored")
    # A fewshot program's stored pairs answer too (english-french stores these three).
    r = seeded.query("spider: araignée, sometimes: parfois, circle:")
    assert r.programs[0].name == "english-french" and "stores every demonstration" in r.message
    assert (r.outputs[0].answer, r.outputs[0].source) == ("cercle", "stored")
    # ...but not when the database's memory is turned off (evaluations).
    r = seeded.query("spider: araignée, sometimes: parfois, circle:", use_stored=False)
    assert r.outputs[0].source != "stored"


def test_unexplained_demonstrations_are_not_sure(seeded):
    r = seeded.query("grass: green, sky: blue, snow: white, blood: red, banana:")
    out = r.outputs[0]
    assert r.programs[0].name == "in-context" and r.fit.startswith("fit ")
    assert not out.sure and out.confidence < 0.5 and len(out.candidates) >= 3


def test_a_fewshot_program_named_by_its_stored_pairs_answers_them(seeded):
    r = seeded.query("Acadia National Park -> Maine\nGrand Canyon National Park -> Arizona\nZion National Park ->")
    assert r.programs[0].name == "national-park-state" and r.fit == "stores 2 of 2 demonstrations"
    assert (r.outputs[0].answer, r.outputs[0].source) == ("Utah", "stored")


def test_a_chain_is_no_surer_than_its_guessed_step(seeded):
    """ohio -> Albany (a guess: no country is Ohio) -> New York (stored) printed as sure."""
    from progdb.db import word_space
    from progdb.query.execute import run_chain

    steps = [seeded.catalog.word_program(seeded.get(n)) for n in ("country-capital", "city-to-state")]
    out = run_chain(word_space(), steps, "ohio", 5)
    assert len(out.chain) == 3 and out.confidence < 0.5 and not out.sure, (out.chain, out.confidence)


def test_a_users_key_of_two_request_words_is_not_split_into_a_chain(seeded_path, tmp_path):
    """A user's state-capital ("state capital of {word}") lost its own stored Ohio -> Columbus to
    country-capital then city-to-state."""
    import shutil

    db = tmp_path / "db"
    shutil.copytree(seeded_path, db)
    run = CliRunner().invoke
    assert run(cli, ["--db", str(db), "add", "state-capital", "--key", "state capital of {word}",
                     "--example", "Texas", "Austin", "--example", "Ohio", "Columbus"]).exit_code == 0
    r = json.loads(run(cli, ["--db", str(db), "query", "--json", "what's the state capital of ohio"]).stdout)
    assert r["mode"] == "nearest" and r["programs"][0]["name"] == "state-capital", (r["mode"], r["message"])
    assert r["outputs"][0]["answer"] == "Columbus" and r["outputs"][0]["source"] == "stored"


def test_a_string_rule_that_answers_no_word_is_not_sure(seeded):
    """"goes: go, watches: watch, studies:" -> "studi" (two letters off) at confidence 0.80."""
    r = seeded.query("goes: go, watches: watch, studies:")
    out = r.outputs[0]
    assert not (out.answer == "studi" and out.sure), (out.answer, out.confidence, out.source)


def test_demonstrations_that_change_nothing_are_one_prompts_error_not_a_crash(seeded_path):
    """"orange:orange::lemon:?" raised StopIteration: `query` printed "Error: StopIteration:", and in
    a `query --file` batch it took the other 121 prompts' answers with it."""
    lines = "orange:orange::lemon:?\nlemon - orange + orange\nplural of cat\n"
    r = CliRunner().invoke(cli, ["--db", seeded_path, "query", "-"], input=lines)
    out = [json.loads(line) for line in r.output.splitlines()]
    assert [o["prompt"] for o in out] == lines.splitlines(), r.output
    assert all("change nothing (orange -> orange)" in o["error"] for o in out[:2]), out[:2]
    assert out[2]["outputs"][0]["answer"] == "cats"
    r = CliRunner().invoke(cli, ["--db", seeded_path, "query", "orange:orange::lemon:?"])
    assert r.exit_code == 2 and "change nothing" in r.output and "StopIteration" not in r.output


@pytest.mark.parametrize("prompt, pair, word", [
    ("what is to dog as kitten is to cat", ("cat", "kitten"), "dog"),
    ("kitten is to cat as what is to dog", ("cat", "kitten"), "dog"),
    ("Baghdad : iraq = kabul : ?", ("Baghdad", "iraq"), "kabul"),
    ("if athens is greece, then Madrid is what?", ("athens", "greece"), "Madrid"),
    ("cairo is to Egypt like stockholm is to what", ("cairo", "Egypt"), "stockholm"),
    ("dad + grandma - grandpa = ?", ("grandpa", "grandma"), "dad"),
])
def test_analogies_in_the_forms_a_researcher_writes_them(prompt, pair, word):
    """An embeddings researcher's forms, refused 82 times in 86 (2026-12-01)."""
    assert parse_analogy(prompt) == ([pair], word)


def test_a_stored_programs_arithmetic_never_answers_a_demonstrations_word(seeded):
    """"cat:kitten::dog:?" named male-to-female and answered "cat", one of the prompt's own words."""
    for prompt, words in (("cat:kitten::dog:?", {"cat", "kitten", "dog"}),
                          ("what is to dog as kitten is to cat", {"cat", "kitten", "dog"}),
                          # (a program with a learned ranker too: synonym answered "dog", its candidates puppy)
                          ("dog:puppy::cat:?", {"dog", "puppy", "cat"})):
        r = seeded.query(prompt)
        if r.mode == "none":  # (synonym's guess for cat, rabbit at 0.12, is too unsure to give: none)
            assert "too unsure to give" in r.message, (prompt, r.message)
            continue
        out = r.outputs[0]
        if out.source == "stored":  # (animal-young stores dog -> puppy: no arithmetic answered)
            assert out.answer.lower() not in words, (prompt, out)
            continue
        assert out.answer.lower() not in words and not words & {c.answer.lower() for c in out.candidates}, (prompt, out)


@pytest.mark.parametrize("prompt, program, stored", [("one : three :: five : ?", "next-item", "six"),
                                                      ("monday : wednesday :: friday : ?", "next-item", "saturday"),
                                                      ("hot : colder :: big : ?", "comparative", "bigger")])
def test_a_program_that_stores_the_demonstration_otherwise_is_not_named(seeded, prompt, program, stored):
    """A researcher's "one : three :: five : ?" named next-item (it stores one -> two) and answered
    *six* (stored example, confidence 1.00): the user's own example said otherwise."""
    r = seeded.query(prompt)
    assert r.mode == "in-context" and f"'{program}'" in r.message and "not what they show" in r.message, r.message
    assert not (r.outputs[0].source == "stored" and r.outputs[0].answer == stored), r.outputs


def test_one_agreeing_demonstration_keeps_a_program_of_many_answers(seeded):
    """A word with several stored answers: one demonstration that agrees names the program still."""
    r = seeded.query("king: queen, man: woman, boy:")
    assert r.programs[0].name == "male-to-female" and r.outputs[0].answer == "girl"


@pytest.mark.parametrize("prompt, answer", [("athens - greece + norway", "Oslo"), ("norway + athens - greece", "Oslo"),
                                            ("illinois - chicago + phoenix", "Arizona"),
                                            ("bigger - big + small", "smaller"), ("king - man + woman", "queen"),
                                            ("king minus man plus woman", "queen")])
def test_vector_arithmetic_is_read_either_way(seeded, prompt, answer):
    """"A - B + C" is one vector, the pair B -> C on A or B -> A on C (gensim's positive A and C):
    "athens - greece + norway" answered *lillehammer?* while "norway + athens - greece" said Oslo."""
    r = seeded.query(prompt)
    assert r.mode == "nearest" and r.outputs[0].answer == answer, (r.programs, r.outputs)


def test_a_misspelt_word_in_an_analogy_is_read_and_said(seeded):
    """A researcher's "kign - man + woman" was an error: 'kign' is not in the word space."""
    r = seeded.query("kign - man + woman")
    assert r.outputs[0].answer == "queen" and r.corrections == ["kign -> king"], (r.message, r.outputs)
    assert r.message.startswith("read kign -> king")
    # ...but a word of another language among others of it is typed on purpose: a parent's "cane: dog,
    # gatto: cat, mucca:" read mucca as "mecca" and answered *pilgrimage?*
    r = seeded.query("cane -> dog\ngatto -> cat\nmucca ->")
    assert not r.corrections and "mecca" not in json.dumps([o.answer for o in r.outputs]), (r.corrections, r.outputs)


def test_an_analogy_asked_as_if_then_what(seeded):
    """"if boy is girl then what is nephew" was refused; only "…, then nephew is what?" was read."""
    for prompt in ["if boy is girl then what is nephew", "if boy is girl, what's nephew?"]:
        r = seeded.query(prompt)
        assert r.outputs and r.outputs[0].answer == "niece", (prompt, r.mode, r.message)
    # a clause is no demonstration: it was answered "rained", in context
    assert seeded.query("if it is raining then what is the capital of france").mode != "in-context"


@pytest.mark.parametrize("prompt, program, answer", [
    ("paris is to france as tokyo is to ?", "country-capital", "Japan"),
    ("dollar is to usa as yen is to ?", "country-currency", "Japan"),
    ("mice:mouse::geese:?", "plural", "goose"),
])
def test_an_analogy_the_other_way_round_answers_by_the_stored_way_back(seeded, prompt, program, answer):
    """A bookshop developer's "paris is to france as tokyo is to ?" was the demonstrations' own
    not-sure guess (*japan?*), a student's "dollar is to usa as yen is to ?" *tn?*: the library
    stores each demonstration, reversed."""
    r = seeded.query(prompt)
    assert r.programs[0].name == program and "way back" in r.message, (r.programs, r.message)
    assert r.outputs[0].answer == answer and r.outputs[0].source == "stored" and r.outputs[0].sure
    # held out, the way back is not looked up: the asked pair is hidden
    assert seeded.query(prompt, use_stored=False).outputs[0].source != "stored"


@pytest.mark.parametrize("prompt", ["man is to king as woman is to ?", "man:king::woman:?", "man king woman ?"])
def test_an_analogy_across_its_columns_is_read_both_ways(seeded, prompt):
    """An embeddings student's textbook "man is to king as woman is to ?" was read only as a pair
    man -> king, which no program stores (queen?, not sure 0.41); b - a + c is c - a + b, so it is
    also male-to-female's man -> woman on king, as "king - man + woman" already was."""
    r = seeded.query(prompt)
    assert r.programs[0].name == "male-to-female", (r.programs, r.message)
    assert r.outputs[0].answer == "queen" and r.outputs[0].sure, r.outputs
