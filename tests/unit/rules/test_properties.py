"""Properties over generated inputs (hypothesis) of the rules layer: header and value matching
ignore normal form, case and spacing. Each property runs a few seconds at most."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.rules.text import match_key
from pipelines.rules.vocab import column_map, vocabularies

FAST = settings(max_examples=60, deadline=None)


# --- header and value matching: NFC/NFD, case, spacing --------------------------------------------


def _aliases() -> list[tuple[str, str]]:
    return [(alias, c.canonical) for c in column_map().columns for alias in c.aliases]


def _values() -> list[tuple[str, str, str]]:
    import csv as _csv

    from pipelines.resources import SCHEMAS

    with open(SCHEMAS / "vocabularies.csv", encoding="utf-8", newline="") as fh:
        return [(r["domain"], r["value"], r["canonical"]) for r in _csv.DictReader(fh)]


@st.composite
def respelled(draw, text: str) -> str:
    """The same words as another portal writes them: any case per letter, NFC or NFD, any run of
    spaces, tabs or no-break spaces between the words and around them."""
    cased = "".join(ch.upper() if draw(st.booleans()) else ch.lower() for ch in text)
    gaps = st.text(alphabet=" \t\u00a0", min_size=0, max_size=3)
    words = cased.split(" ")
    spaced = draw(gaps) + "".join(w + draw(gaps) for w in words[:-1]) + words[-1] + draw(gaps)
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), spaced)


@st.composite
def alias_spellings(draw) -> tuple[str, str, str]:
    alias, canonical = draw(st.sampled_from(_aliases()))
    return alias, canonical, draw(respelled(alias))


@FAST
@given(st.lists(alias_spellings(), min_size=1, max_size=20))
def test_header_matching_ignores_normal_form_case_and_spacing(spellings):
    cmap = column_map()
    for alias, canonical, variant in spellings:
        assert cmap.lookup(variant) == cmap.lookup(alias), (alias, variant)
        assert cmap.lookup(variant)[0] == canonical


@st.composite
def value_spellings(draw) -> tuple[str, str, str, str]:
    domain, value, canonical = draw(st.sampled_from(_values()))
    return domain, value, canonical, draw(respelled(value))


@FAST
@given(st.lists(value_spellings(), min_size=1, max_size=20))
def test_vocabulary_matching_ignores_normal_form_case_and_spacing(spellings):
    vocab = vocabularies()
    for domain, value, canonical, variant in spellings:
        assert vocab[domain].get(match_key(variant)) == canonical, (domain, value, variant)


VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàằầèềìòồờùừỳáắấéếíóốớúứýảẳẩẻểỉỏổởủửỷãẵẫẽễĩõỗỡũữỹạặậẹệịọộợụựỵ0123456789"


@FAST
@given(
    st.lists(st.text(alphabet=VIETNAMESE, min_size=1, max_size=8), min_size=1, max_size=5)
    .map(" ".join)
    .flatmap(lambda t: st.tuples(st.just(t), respelled(t)))
)
def test_match_key_is_a_function_of_the_letters_only(pair):
    text, variant = pair
    assert match_key(variant) == match_key(text)
