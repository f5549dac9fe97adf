"""The helper that checks bot replies against the locale files' responses
(tests/support/responses.py): it must tell the right reply from a wrong one that shares words with
it."""

import pytest
import yaml

from support import responses
from support.responses import (
    matches_reply,
    matches_response,
    reply_text,
    response_name,
    response_names,
    response_pattern,
    response_texts,
)


def test_responses_are_read_from_every_english_locale_file(domain):
    for path in responses.LOCALE.glob("*.yml"):
        for name, variations in yaml.safe_load(path.read_text())["responses"].items():
            assert response_texts(name) == [v["text"] for v in variations], name
    # Every response the domain declares has its text there.
    assert all(response_texts(name) for name in domain["responses"])
    with pytest.raises(KeyError, match="no response 'utter_no_such_thing'"):
        response_texts("utter_no_such_thing")


def test_an_answer_that_shares_words_with_the_question_is_not_the_question():
    [bonds] = response_texts("utter_explain_bonds")
    assert "old" in bonds  # "hold up": the word a substring check on "old" would have accepted
    assert not matches_response(bonds, "utter_ask_age")
    assert matches_response(bonds, "utter_explain_bonds")
    for question in response_texts("utter_ask_age"):
        assert matches_response(question, "utter_ask_age")
        assert not matches_response(f"{bonds}\n{question}", "utter_ask_age")  # whole texts only
        assert not matches_response(question[:-1], "utter_ask_age")


def test_placeholders_match_any_text_or_the_value_given():
    [template] = response_texts("utter_handoff")
    reply = template.replace("{reference}", "12")
    assert matches_response(reply, "utter_handoff")
    assert matches_response(reply, "utter_handoff", reference=12)
    assert not matches_response(reply, "utter_handoff", reference=13)
    assert not matches_response(template.replace("{reference}", ""), "utter_handoff")
    with pytest.raises(ValueError, match="utter_handoff has no placeholder client_name"):
        matches_response(reply, "utter_handoff", client_name="Ada")


def test_a_phrase_with_a_format_is_matched_inside_a_longer_text():
    explanation = ("For your retirement goal, with the money needed in 30 years, we suggest ... "
                   "Your risk score is 5.6 out of 10. Your answers show a willingness to take risk "
                   "of 6.0/10 and your situation a capacity to bear losses of 5.4/10; the lower of "
                   "the two counts for more.")
    assert response_pattern("reason_risk_score", score="5.6").search(explanation)
    assert not response_pattern("reason_risk_score", score="7.0").search(explanation)


def test_each_text_is_named_by_the_response_it_is(domain):
    for name in ("utter_ask_age", "utter_explain_bonds", "utter_greet_prospect", "utter_handoff"):
        for text in response_texts(name):
            assert response_name(text.replace("{reference}", "3")) == name
    # A response that is mostly placeholders fits many texts; the most specific one wins.
    assert response_name("Welcome back, Ada!") == "utter_greet_client"
    assert response_name("Something the bot never says.") is None
    messages = [{"text": response_texts("utter_explain_bonds")[0]}, {"custom": {"type": "x"}},
                {"text": response_texts("utter_ask_age")[1]}]
    assert response_names(messages) == ["utter_explain_bonds", "utter_ask_age"]


def rest_reply(*texts):
    """Messages as Rasa's REST channel returns them: each paragraph of a text a message of its own."""
    return [{"recipient_id": "x", "text": part} for text in texts for part in text.split("\n\n")]


def test_a_reply_of_several_paragraphs_is_matched_as_the_responses_it_is_made_of():
    [template] = response_texts("utter_recommendation")
    recommendation = (template.replace("{allocation}", "- US equities: 46.4%\n- Cash: 1.0%")
                      .replace("{expected_return}", "7.3%").replace("{volatility}", "13.8%")
                      .replace("{bad_year}", "13.8%").replace("{explanation}", "Because.")
                      .replace("{disclosures}", "One.\nTwo."))
    [projection] = response_texts("utter_projection")
    projection = projection.format(years=30, median="1", low="0", high="2")
    reply = [*rest_reply(recommendation), {"recipient_id": "x", "custom": {}},
             *rest_reply(projection)]
    assert len(reply) > 3 and reply_text(reply) == f"{recommendation}\n\n{projection}"
    assert matches_reply(reply, "utter_recommendation", "utter_projection", years=30)
    assert not matches_reply(reply, "utter_recommendation", "utter_projection", years=25)
    assert not matches_reply(reply, "utter_projection", "utter_recommendation")
    # The projection is left over: {disclosures}, last in the recommendation, does not take it in.
    assert not matches_reply(reply, "utter_recommendation")
    with pytest.raises(ValueError, match="has no placeholder reference"):
        matches_reply(reply, "utter_recommendation", "utter_projection", reference=1)


def test_literal_braces_and_merged_files(tmp_path, monkeypatch):
    (tmp_path / "a.yml").write_text(
        'responses:\n  utter_json:\n    - text: "Send {{\\"a\\": {value}}}"\n', encoding="utf-8")
    (tmp_path / "b.yml").write_text(
        'responses:\n  utter_other:\n    - text: "Other"\n    - image: "x.png"\n', encoding="utf-8")
    monkeypatch.setattr(responses, "LOCALE", tmp_path)
    responses._variations.cache_clear()
    responses._responses.cache_clear()
    try:
        assert response_texts("utter_other") == ["Other"]
        assert matches_response('Send {"a": 5}', "utter_json", value=5)
        assert not matches_response('Send {{"a": 5}}', "utter_json")
    finally:
        responses._variations.cache_clear()
        responses._responses.cache_clear()


def test_every_check_reads_the_locale_folder_of_the_language_it_is_given():
    [english] = response_texts("utter_projection")
    [chinese] = response_texts("utter_projection", language="zh")
    assert english != chinese
    reply = chinese.format(years=30, median="234.51万元", low="143.49万元", high="391.5万元")
    assert matches_response(reply, "utter_projection", language="zh", years=30)
    assert not matches_response(reply, "utter_projection", language="zh", years=25)
    assert not matches_response(reply, "utter_projection")  # not the English text
    assert response_pattern("utter_projection", language="zh", median="234.51万元").search(reply)
    assert matches_reply(rest_reply(reply), "utter_projection", language="zh",
                         low="143.49万元")
    assert not matches_reply(rest_reply(reply), "utter_projection", language="zh", low="143万元")
    with pytest.raises(KeyError, match="locales/zh have no response 'utter_no_such_thing'"):
        response_texts("utter_no_such_thing", language="zh")
    with pytest.raises(ValueError, match="has no placeholder reference"):
        matches_reply(rest_reply(reply), "utter_projection", language="zh", reference=1)
