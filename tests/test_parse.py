"""Prompt splitting without models: templates, explicit structure, candidate cuts."""
from progdb.query.parse import candidate_cuts, compile_template, match_template, parse, split_explicit
from progdb.program import key_text

TEMPLATES = [compile_template(p, k) for p, k in [
    ("plural", "plural of {word}"), ("plural", "what is the plural of {word}"),
    ("shakespearean", "rewrite the following {form} in the style of Shakespeare: {text}"),
    ("city-to-state", "which state is {word} in"),
]]


def test_most_specific_template_wins_and_punctuation_is_dropped():
    p = match_template("What is the plural of mouse?", TEMPLATES)
    assert p.template == "what is the plural of {word}" and p.inputs == ["mouse"] and p.key == "What is the plural of"


def test_filler_words_stay_in_the_key():
    p = match_template("please give the plural of goose", TEMPLATES)
    assert p.inputs == ["goose"] and p.key == "please give the plural of"


def test_parameters_fill_and_text_is_the_input():
    poem = "Roses are red,\nviolets are blue"
    p = match_template(f"rewrite the following poem in the style of Shakespeare: {poem}", TEMPLATES)
    assert p.slots == {"form": "poem", "text": poem} and p.inputs == [poem]
    # the key is read without any slot's value, as a stored key is embedded ("convert 1 atm to kPa" is "convert to"
    # of "convert {input} to {unit}"); the parameter fills the instruction
    assert p.key == "rewrite the following in the style of Shakespeare"


def test_slot_in_the_middle():
    p = match_template("which state is Chicago in?", TEMPLATES)
    assert p.inputs == ["Chicago"]


def test_a_literal_ends_at_a_words_edge():
    """"workplace of a {word}" must not read "an actor" as a + "n actor"; quotes still end a word."""
    own = [compile_template("workplace", "workplace of a {word}"), compile_template("work", "where does a {word} work")]
    assert match_template("what is the workplace of an actor", own) is None
    assert match_template("workplace of a 'nurse'", own).inputs == ["nurse"]
    assert match_template("where does a chef homework", own) is None
    assert match_template("where does a chef work?", own).inputs == ["chef"]
    assert match_template("plural of'cat'", TEMPLATES).inputs == ["cat"]


def test_explicit_structure():
    assert split_explicit("make it formal: hey dude, wassup").inputs == ["hey dude, wassup"]
    q = split_explicit('translate "good morning" to French')
    assert q.inputs == ["good morning"] and q.key == "translate to French"
    n = split_explicit("summarise this\nline one\nline two")
    assert n.key == "summarise this" and n.inputs == ["line one\nline two"]


def test_cuts_go_both_ways_and_parse_takes_the_best_scored():
    cuts = candidate_cuts("cat plural")
    assert {(c.key, c.inputs[0]) for c in cuts} == {("cat", "plural"), ("plural", "cat")}
    p = parse("cat plural", [], lambda keys: [1.0 if k == "plural" else 0.2 for k in keys])
    assert p.key == "plural" and p.inputs == ["cat"] and p.method == "cut"


def test_key_text_drops_slots():
    assert key_text("what is the plural of {word}") == "what is the plural of"
    assert key_text("make this sound like Shakespeare: {text}") == "make this sound like Shakespeare"


def test_the_asker_of_a_keys_question_is_whoever_types_it():
    t = compile_template("english-french", "how do you say {word} in French")
    for typed in ["how do I say thank you in french", "how do we say thank you in French",
                  "how do you say thank you in french"]:
        assert match_template(typed, [t]).inputs == ["thank you"], typed
    assert match_template("how do they say thank you in french", [t]) is None
