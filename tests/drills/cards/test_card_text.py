"""Anki notes to card text: templates, cloze deletions, HTML, maths and what cannot be spoken."""

from __future__ import annotations

from drills.cards import anki_proto
from drills.cards.markup import media_refs, plain_text
from drills.cards.speakable import latex_delimiters, speak
from drills.cards.templates import CardContext, answer_part, render, spoken_blank


def test_html_becomes_lines() -> None:
    html = "<div>Encoder:<div>maps input</div></div><ul><li>one&nbsp;</li><li>two &amp; three</li></ul>x<br>y"
    assert plain_text(html) == "Encoder:\nmaps input\none\ntwo & three\nx\ny"
    assert plain_text("<style>.card{}</style><!-- c -->a<img src='p.png'>[sound:s.mp3]") == "a"
    assert media_refs('<img src="p q.png"> [sound:s.mp3] <img src=x.jpg>') == ["p q.png", "x.jpg", "s.mp3"]


def test_speech_reads_maths_and_lists() -> None:
    assert speak(r"Bayes: \(P(x | y) = \frac{P(y|x) P(x)}{P(y)}\)").text.startswith("Bayes: P of x given y equals")
    assert speak("[latex]\\alpha^2[/latex]").text == "alpha squared"
    assert latex_delimiters("[$]x_1[/$] and [$$]y[/$$]") == r"\(x_1\) and \[y\]"
    assert speak("<ul><li>bias</li><li>variance</li></ul>").text == "bias. variance"


def test_unspeakable_sides_are_named() -> None:
    assert speak('<img src="a.png">', "back").problem == "the back is only an image"
    assert speak("<div><br></div>", "front").problem == "the front is empty"
    assert "script" in speak("これは日本語の文です", "front").problem
    long = speak(" ".join(["word"] * 150), "back")
    assert long.problem is None and "long" in long.note


def test_templates_sections_filters_and_front_side() -> None:
    ctx = CardContext({"Front": "Q", "Back": "A", "Extra": ""}, tags="t1", deck="D::E")
    question = render(
        "{{Front}}{{#Extra}} ({{Extra}}){{/Extra}}{{^Extra}} [no extra]{{/Extra}} {{Subdeck}}", ctx, False
    )
    assert question == "Q [no extra] E"
    answer = render("{{FrontSide}}<hr id=answer>{{Back}}{{type:Back}}", ctx, True, front_side=question)
    assert answer_part(answer, question) == "A"
    assert render("{{text:Front}} {{hint:Back}} {{Missing}}", ctx, False) == "Q A "


def test_cloze_numbers_and_hints() -> None:
    ctx = CardContext({"Text": "{{c1::Paris}} is in {{c2::France::country}}."}, cloze_ord=2)
    assert render("{{cloze:Text}}", ctx, False) == "Paris is in [country]."
    assert render("{{cloze:Text}}", ctx, True) == "Paris is in France."
    assert render("{{cloze:Text}}", ctx, False, blank=spoken_blank) == "Paris is in  blank (country) ."


def test_protobuf_reader() -> None:
    # Notetype.Template.Config {q_format: "{{F}}", a_format: "{{B}}"}; Notetype.Config {kind: 1}
    template = b"\x0a\x05{{F}}\x12\x05{{B}}"
    assert anki_proto.template_formats(template) == ("{{F}}", "{{B}}")
    assert anki_proto.notetype_is_cloze(b"\x08\x01") and not anki_proto.notetype_is_cloze(b"\x10\x02")
    entries = b"\x0a\x09\x0a\x07pic.png" + b"\x0a\x07\x0a\x05a.mp3"
    assert anki_proto.media_names(entries) == ["pic.png", "a.mp3"]
