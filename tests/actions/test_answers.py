"""Typed answers to the goal, income stability and the risk questions are read the way people put
them: their own words, negations, figures, places in the list and hedges; a tie or nothing found is
no answer (the chat asks again), never a guess."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from support.locale_files import LocaleFolder

from actions.answers import (
    LOSS_BANDS,
    OUTCOME_INVESTED,
    match_goal,
    match_income_stability,
    match_option,
)
from engine.profile import Goal, IncomeStability
from engine.questionnaire import option_titles, questionnaire
from engine.wording import texts

QUESTIONS = {q.id: q for q in questionnaire().questions}


def titles(question_id: str, language: str = "en") -> dict[str, str]:
    return option_titles(QUESTIONS[question_id], texts(language))


def read(question_id: str, text: str) -> str | None:
    return match_option(QUESTIONS[question_id], text, titles(question_id))


def cases(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(text, option) for option, texts_ in table.items() for text in texts_]


# -- the risk questions, option by option ----------------------------------------------------------

LOSS_REACTION = {
    "sell_all": ["I'd probably panic and sell everything", "get out of the market completely",
                 "cash out", "pull all my money out", "sell it all before it drops further",
                 "liquidate", "honestly I'd bail", "cut my losses and run", "move everything to cash"],
    "sell_some": ["sell some of it", "sell a part to be safe", "I'd take some money off the table",
                  "reduce my exposure a bit", "sell half", "probably sell a portion",
                  "I wouldn't sell everything, just some", "trim my positions"],
    "hold": ["do nothing", "I wouldn't sell", "never sell in a dip", "hold on and wait",
             "sit tight", "ride it out", "leave it alone, it'll recover", "stay the course",
             "I would not panic", "nothing, I'm in it for the long run", "keep calm and carry on",
             "wait for it to come back"],
    "buy_more": ["buy the dip", "invest more while it's cheap", "I'd put more money in",
                 "top up", "that's a buying opportunity", "stocks on sale, I'd buy",
                 "double down"],
}
MAX_LOSS = {
    "loss_5": ["nothing at all", "as little as possible", "I can't afford to lose anything",
               "very small", "3%", "5 percent", "under 5%", "4% max", "a couple percent"],
    "loss_10": ["10%", "ten percent", "about 10 percent", "a tenth", "up to 12%", "less than 10%",
                "15%"],
    "loss_20": ["20%", "twenty per cent", "I could live with losing a fifth", "a quarter", "18%",
                "no more than 20 percent", "16%", "moderate"],
    "loss_30": ["30%", "thirty percent", "about 28%", "roughly 30"],
    "loss_over_30": ["more than 30%", "40%", "half", "I don't care, I'm long term",
                     "anything, I'd never change my plan", "over 30 percent", "a third"],
}
RETURN_PRIORITY = {
    "protect_capital": ["protecting what I have", "safety first", "I don't want to lose it",
                        "keep my money safe even if it grows slowly", "capital preservation",
                        "low risk please", "as little risk as possible", "avoid big losses"],
    "steady_income": ["steady income", "regular dividends", "something that pays me an income",
                      "smooth returns without big ups and downs", "predictable payouts"],
    "balanced_growth": ["a bit of both", "a balance", "some growth but not too risky",
                        "middle ground", "growth and stability", "mix of the two",
                        "steady growth"],
    "strong_growth": ["strong growth", "growth", "good returns, I can handle swings",
                      "I want it to grow", "higher returns", "capital growth", "a good return"],
    "maximum_growth": ["maximum growth", "as much growth as possible", "the highest returns",
                       "maximise it", "go all in on growth", "I don't care about losses"],
}
RISK_SELF_VIEW = {
    "avoider": ["someone who avoids risk", "risk averse", "scared of risk", "I hate risk",
                "I never take risks", "I don't like risk at all", "a worrier"],
    "cautious": ["cautious", "careful", "I'm not a risk taker", "pretty conservative",
                 "I play it safe", "prudent",
                 "not much of a gambler"],
    "calculated": ["I take risks after doing my research", "calculated risks",
                   "I weigh the pros and cons", "somewhere in the middle",
                   "willing to take risks if it makes sense", "measured"],
    "risk_taker": ["a real risk taker", "I love risk", "a gambler", "bold", "YOLO",
                   "I take big risks", "adventurous with money"],
}
GAMBLE_CHOICE = {
    "sure_1000": ["I'd take the sure thing", "the guaranteed 1000", "$1,000", "1k for sure",
                  "the certain one", "a bird in the hand", "safe option"],
    "half_2500": ["the 50/50", "fifty-fifty", "50% chance", "the coin flip", "2,500",
                  "I'd flip a coin for 2.5k"],
    "quarter_8000": ["8k", "the 25% one", "one in four for the big prize", "$8,000",
                     "the long shot", "go for the jackpot", "8 grand"],
}
OUTCOME_RANGE = {
    "narrow": ["the narrowest", "the safest range", "between 9800 and 10500",
               "I don't want to lose more than 2%", "the smallest swings"],
    "moderate": ["between 9,300 and 11,200", "-7%", "down to 9,300", "moderate",
                 "losing 10% would be ok", "I could accept losing 1,000"],
    "wide": ["8,500 to 12,300", "I could accept losing 1,500", "-15%", "the wider one",
             "down to 8k"],
    "widest": ["the widest", "the biggest range", "7,200 to 13,800", "losing 30% is fine",
               "whatever, I don't mind"],
}
EXPERIENCE = {
    "none": ["none", "no", "honestly no idea, never done this", "never invested",
             "I don't know anything about it", "complete beginner", "just a savings account",
             "zero", "I haven't invested before", "0 years"],
    "some": ["some", "a little", "I have an ETF", "a few shares", "dabbled a bit",
             "not much", "a couple of years", "my workplace pension", "2 years",
             "not very experienced"],
    "extensive": ["a lot", "I've invested for decades", "15 years", "10+ years",
                  "I work in finance", "I've been through several crashes", "very experienced",
                  "loads"],
}
RISK_TABLES = {"loss_reaction": LOSS_REACTION, "max_loss": MAX_LOSS,
               "return_priority": RETURN_PRIORITY, "risk_self_view": RISK_SELF_VIEW,
               "gamble_choice": GAMBLE_CHOICE, "outcome_range": OUTCOME_RANGE,
               "experience": EXPERIENCE}


@pytest.mark.parametrize(("question_id", "text", "option"),
                         [(q, text, option) for q, table in RISK_TABLES.items()
                          for text, option in cases(table)])
def test_risk_answers_in_own_words(question_id, text, option):
    assert read(question_id, text) == option


def test_every_option_of_every_question_has_own_word_phrasings_here():
    assert set(RISK_TABLES) == set(QUESTIONS)
    for question_id, table in RISK_TABLES.items():
        assert set(table) == {o.id for o in QUESTIONS[question_id].options}, question_id


@pytest.mark.parametrize(("question_id", "text", "option"), [
    ("loss_reaction", "I wouldn't buy more, I'd just hold", "hold"),
    ("loss_reaction", "not sell, wait", "hold"),
    ("loss_reaction", "I'd want to sell but I'd hold", "hold"),
    ("loss_reaction", "sell some, not all", "sell_some"),
    ("risk_self_view", "careful but not scared", "cautious"),
    ("gamble_choice", "not the sure thing, the 50/50", "half_2500"),
    ("gamble_choice", "not sure, maybe the sure thing", "sure_1000"),
    ("experience", "not a lot", "some"),
])
def test_negations_and_contrasts(question_id, text, option):
    assert read(question_id, text) == option


@pytest.mark.parametrize(("question_id", "text"), [
    ("loss_reaction", "not buy more"),
    ("gamble_choice", "not the sure thing"),
    ("max_loss", "not 30%"),
])
def test_a_negation_alone_is_no_answer(question_id, text):
    assert read(question_id, text) is None


@pytest.mark.parametrize(("question_id", "text", "option"), [
    ("return_priority", "growth, but I can't afford to lose much", "balanced_growth"),
    ("return_priority", "safety and some growth", "balanced_growth"),
    ("risk_self_view", "not cautious, not reckless either", "calculated"),
    ("risk_self_view", "careful, but I take risks now and then", "calculated"),
    ("risk_self_view", "a cautious risk taker", "calculated"),
])
def test_an_answer_that_names_both_sides_of_a_blend_is_the_blend(question_id, text, option):
    assert read(question_id, text) == option


def test_a_correction_is_the_answer_even_across_a_blend():
    assert read("risk_self_view", "cautious... actually no, a real risk taker") == "risk_taker"
    assert match_income_stability("steady salary but irregular bonuses") == (
        IncomeStability.somewhat_stable)
    assert match_income_stability("irregular, actually no, it's a fixed salary") == (
        IncomeStability.stable)


@pytest.mark.parametrize(("question_id", "text", "option"), [
    ("loss_reaction", "hold, maybe buy a little more", "hold"),
    ("loss_reaction", "I might sell some but I'd mostly hold", "hold"),
    ("max_loss", "I can't stomach more than 10%", "loss_10"),
    ("outcome_range", "I can't lose more than 1,500", "wide"),
    ("experience", "I've been investing since 2010", "extensive"),
    ("experience", "a lot, well, 3 years", "some"),
])
def test_hedged_mentions_count_less_and_figures_are_more_precise_than_words(question_id, text,
                                                                            option):
    assert read(question_id, text) == option


@pytest.mark.parametrize(("question_id", "text", "position"), [
    ("loss_reaction", "the first one", 0), ("loss_reaction", "option 3", 2),
    ("loss_reaction", "b", 1), ("loss_reaction", "the last", 3), ("loss_reaction", "3", 2),
    ("loss_reaction", "number two", 1), ("loss_reaction", "I'd go with the second option", 1),
    ("return_priority", "the middle one", 2), ("return_priority", "second to last", 3),
    ("risk_self_view", "the third one", 2), ("gamble_choice", "C", 2),
    ("gamble_choice", "the middle option", 1), ("outcome_range", "the last one please", 3),
    ("experience", "1", 0), ("max_loss", "option 5", 4), ("max_loss", "the first", 0),
])
def test_options_named_by_their_place(question_id, text, position):
    assert read(question_id, text) == QUESTIONS[question_id].options[position].id


def test_the_middle_of_an_even_list_is_the_questions_moderate_answer():
    # Four options have no middle one; the questionnaire names the moderate one.
    assert read("loss_reaction", "somewhere in the middle") == QUESTIONS["loss_reaction"].middle


def test_a_bare_figure_that_is_both_a_place_and_a_share_is_not_guessed():
    # "5" at max_loss could be the fifth option (more than 30 %) or 5 % (the first).
    assert read("max_loss", "5") is None
    assert read("max_loss", "1") == "loss_5"  # both readings agree
    assert read("max_loss", "5%") == "loss_5"
    assert read("max_loss", "option 5") == "loss_over_30"


@pytest.mark.parametrize(("question_id", "text"), [
    ("loss_reaction", "sell everything or buy more, can't decide"),
    ("gamble_choice", "either the sure 1000 or the 8k"),
    ("return_priority", "income or protecting what I have"),
    ("outcome_range", "the narrowest or the widest"),
])
def test_two_options_named_as_strongly_are_a_tie(question_id, text):
    assert read(question_id, text) is None


@pytest.mark.parametrize(("question_id", "text"), [
    ("loss_reaction", "not sure"), ("loss_reaction", "I don't know"), ("max_loss", "no idea"),
    ("gamble_choice", "hard to say"), ("risk_self_view", "who knows"),
    ("outcome_range", "none of them"), ("return_priority", "purple"), ("experience", "banana"),
])
def test_not_knowing_or_nothing_known_is_no_answer(question_id, text):
    assert read(question_id, text) is None


@pytest.mark.parametrize(("question_id", "text"), [
    ("risk_self_view", "what does calculated mean?"), ("loss_reaction", "why would I sell?"),
    ("max_loss", "what is a fall in a single year"), ("experience", "what's an ETF?"),
    ("gamble_choice", "can you explain the 50% option"), ("goal", "what do you mean by goal?"),
    ("income_stability", "why do you need to know that?"),
])
def test_a_question_back_is_no_answer(question_id, text):
    if question_id == "goal":
        assert match_goal(text) is None
    elif question_id == "income_stability":
        assert match_income_stability(text) is None
    else:
        assert read(question_id, text) is None


@pytest.mark.parametrize(("question_id", "text", "option"), [
    ("loss_reaction", "I guess I'd hold", "hold"),
    ("loss_reaction", "probably sell some", "sell_some"),
    ("gamble_choice", "not sure, maybe the 50/50", "half_2500"),
    ("risk_self_view", "I think cautious", "cautious"),
    ("max_loss", "maybe 10% or so", "loss_10"),
    ("experience", "I'd say a little", "some"),
])
def test_hedges_keep_the_answer(question_id, text, option):
    assert read(question_id, text) == option


# A softener just before the words for the most careful end makes the answer the next one: a bit
# of a risk avoider is cautious. Said plainly or strengthened, the end stays; the daring end is
# not softened.
@pytest.mark.parametrize(("text", "option"), [
    ("a bit risk averse", "cautious"), ("somewhat scared of risk", "cautious"),
    ("slightly afraid of losing", "cautious"), ("kind of a chicken", "cautious"),
    ("a little nervous about risk", "cautious"),
    ("risk averse", "avoider"), ("very risk averse", "avoider"),
    ("I take no risk, not even a bit", "avoider"),
    ("a bit of a risk taker", "risk_taker"),
])
def test_a_softened_careful_end_is_cautious(text, option):
    assert read("risk_self_view", text) == option


# -- the goal and income stability ----------------------------------------------------------------

GOALS = {
    Goal.retirement: ["retirement", "for when I retire", "my pension", "till I stop working",
                      "old age", "so I can retire early", "to top up my 401k",
                      "growing it for my retirement"],
    Goal.major_purchase: ["saving for a house", "a deposit on a flat", "a new car",
                          "our wedding", "to buy a home in 5 years", "a down payment",
                          "not for retirement, for a house"],
    Goal.education: ["my kids' college", "university fees", "education", "for my daughter's tuition",
                     "going back to school", "my son's studies"],
    Goal.wealth_building: ["build wealth", "grow my money", "no specific goal, just to grow it",
                           "make my money work for me", "long-term investing", "get rich slowly",
                           "for the future", "something to leave to my kids"],
    Goal.income: ["regular income", "dividends", "something to live off", "passive income",
                  "extra cash every month"],
    Goal.capital_preservation: ["keep it safe", "protect my savings", "I don't want to lose it",
                                "a safe place to park my money", "an emergency fund",
                                "preserve my capital",
                                # Retirement named as a time: keeping it safe until then.
                                "retiring in 2 years, I just don't want to lose money",
                                "keep it safe until I retire"],
}


@pytest.mark.parametrize(("text", "goal"), cases(GOALS))
def test_goals_in_own_words(text, goal):
    assert match_goal(text) == goal


@pytest.mark.parametrize("text", ["not sure yet", "hmm", "retirement or a house", "the kids or my pension",
                                  "what are the options?"])
def test_no_goal_or_two_purposes_is_no_answer(text):
    assert match_goal(text) is None


def test_a_purpose_beats_a_way_of_investing_for_it():
    assert match_goal("safe money for my kids' college") == Goal.education
    assert match_goal("income in retirement") == Goal.retirement


@pytest.mark.parametrize(("text", "position"), [("the first one", 0), ("option 4", 3),
                                                ("the last", 5)])
def test_a_goal_named_by_its_place_among_the_buttons(text, position):
    assert match_goal(text) == list(Goal)[position]


INCOME = {
    IncomeStability.stable: ["stable", "very steady", "I have a permanent job", "fixed salary",
                             "civil servant", "rock solid", "same every month",
                             "I'm retired with a pension", "yes", "reliable"],
    IncomeStability.somewhat_stable: [
        "somewhat stable", "stable-ish", "kind of", "mostly stable", "it's steady, mostly",
        "fairly unstable", "base salary plus bonuses", "ok I guess", "not always stable",
        "somewhere in between", "I'd say fairly", "it varies a bit"],
    IncomeStability.unstable: [
        "irregular", "my contract may end", "pay varies month to month", "I'm a freelancer",
        "not very stable", "self-employed", "not stable at all", "commission only",
        "unemployed right now", "it's all over the place", "between jobs", "seasonal work",
        "it goes up and down a lot"],
}


@pytest.mark.parametrize(("text", "stability"), cases(INCOME))
def test_income_stability_in_own_words(text, stability):
    assert match_income_stability(text) == stability


@pytest.mark.parametrize("text", ["banana", "not sure", "hard to tell", "it's a secret"])
def test_unclear_income_answers_are_no_answer(text):
    assert match_income_stability(text) is None


# -- properties --------------------------------------------------------------------------------

def _retyped(title: str, data) -> str:
    """A title as someone may type it back: any case, spaces around and between its words."""
    cased = "".join(c.upper() if data.draw(st.booleans()) else c.lower() for c in title)
    spaces = st.text(alphabet=" \t", min_size=1, max_size=3)
    return data.draw(spaces) + data.draw(spaces).join(cased.split()) + data.draw(spaces)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_any_option_title_typed_back_is_that_option(data):
    question = data.draw(st.sampled_from(list(QUESTIONS.values())))
    shown = titles(question.id)
    option = data.draw(st.sampled_from(list(shown)))
    assert match_option(question, _retyped(shown[option], data), shown) == option


def _band_of(loss: float) -> str:
    return next(option for option, top in LOSS_BANDS["max_loss"] if loss <= top + 1e-12)


@settings(max_examples=200, deadline=None)
@given(percent=st.integers(min_value=0, max_value=100),
       template=st.sampled_from(["{p}%", "{p} %", "about {p}%", "{p} percent",
                                 "I could live with losing {p}%", "a fall of {p}% is ok",
                                 "maybe {p} per cent", "{p}% I guess"]))
def test_a_share_typed_for_max_loss_is_the_option_whose_band_holds_it(percent, template):
    assert read("max_loss", template.format(p=percent)) == _band_of(percent / 100)


def test_the_bands_of_max_loss_are_its_options_in_order_and_hold_each_titles_figure():
    assert [o for o, _ in LOSS_BANDS["max_loss"]] == [o.id for o in QUESTIONS["max_loss"].options]
    # "5% or less", "About 10%", ... "More than 30%" each fall in their own band.
    assert [_band_of(f) for f in (0.05, 0.10, 0.20, 0.30, 0.31)] == [
        o.id for o in QUESTIONS["max_loss"].options]


def test_the_outcome_range_question_names_the_sum_its_ranges_are_of():
    [question] = [t for t in [texts("en")("utter_risk_question_outcome_range")]]
    assert f"${OUTCOME_INVESTED['outcome_range']:,.0f}" in question


@settings(max_examples=200, deadline=None)
@given(low=st.integers(min_value=7_200, max_value=9_999),
       template=st.sampled_from(["down to {x:,}", "I'd accept it falling to ${x:,}",
                                 "as long as I keep {x}", "worst case {x:,}"]))
def test_a_lowest_value_typed_for_outcome_range_is_the_widest_range_that_keeps_it(low, template):
    shown = titles("outcome_range")
    lows = {o: int("".join(ch for ch in t.split(" and ")[0] if ch.isdigit()))
            for o, t in shown.items()}
    kept = [o for o in shown if lows[o] >= low]
    expected = kept[-1] if kept else next(iter(shown))
    assert read("outcome_range", template.format(x=low)) == expected


@settings(max_examples=300, deadline=None)
@given(question_id=st.sampled_from(sorted(QUESTIONS)), text=st.text(max_size=60))
def test_any_text_reads_as_an_option_of_the_question_or_as_no_answer(question_id, text):
    assert read(question_id, text) in {None, *(o.id for o in QUESTIONS[question_id].options)}
    assert match_goal(text) in {None, *Goal}
    assert match_income_stability(text) in {None, *IncomeStability}


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_an_option_named_by_its_number_or_letter_is_that_option(data):
    question = data.draw(st.sampled_from(list(QUESTIONS.values())))
    index = data.draw(st.integers(min_value=0, max_value=len(question.options) - 1))
    text = data.draw(st.sampled_from([f"option {index + 1}", f"number {index + 1}",
                                      f"option {'abcdef'[index]}", f"{'abcdef'[index]})",
                                      f"answer {'ABCDEF'[index]}"]))
    assert read(question.id, text) == question.options[index].id


# -- languages ---------------------------------------------------------------------------------

@pytest.fixture
def second_language(tmp_path, monkeypatch) -> LocaleFolder:
    """A copy of the locale files with a language "xx" that has titles and answer words of its
    own for loss_reaction, and a language "yy" that has titles but no answers.yml."""
    folder = LocaleFolder.copy_of_repository(tmp_path)
    monkeypatch.setenv("LOCALES_DIR", str(folder.path))
    folder.copy_language("en", "xx")
    path = folder.path / "xx" / "answers.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["answers"]["risk_questions"]["loss_reaction"]["sell_all"] = ["tout vendre"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    folder.write("xx", risk_option_loss_reaction_sell_all="Tout vendre")
    folder.write("yy", risk_option_loss_reaction_hold="Ne rien faire et attendre la reprise")
    return folder


def test_a_language_is_read_with_its_own_answer_words(second_language):
    question = QUESTIONS["loss_reaction"]
    own = titles("loss_reaction", "xx")
    assert match_option(question, "je vais tout vendre", own) == "sell_all"
    assert match_option(question, "je vais tout vendre", own, language="xx") == "sell_all"
    # The English words of that option are not this language's.
    assert match_option(question, "cash out", own, language="xx") is None


def test_a_language_without_answer_words_is_read_by_its_titles_alone(second_language):
    question = QUESTIONS["loss_reaction"]
    own = titles("loss_reaction", "yy")
    assert match_option(question, "attendre la reprise", own) == "hold"
    # English cue words would misread its clients.
    assert match_option(question, "buy the dip", own) is None
