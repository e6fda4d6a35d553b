"""The taxonomy config: defaults, validation, editing and its JSON round trip."""

from __future__ import annotations

import json

import pytest

from routing.cases import DEFAULT_TAXONOMY, Category, Taxonomy, Urgency, classify
from routing.demo import SKILLS


def test_default_categories_are_the_issues_eight_in_order() -> None:
    assert DEFAULT_TAXONOMY.names == (
        "代购送药", "维修", "医疗健康", "心理疏导", "法律咨询", "政策咨询", "环境卫生", "其他",
    )  # fmt: skip
    assert DEFAULT_TAXONOMY.fallback == "其他"


def test_default_skills_are_words_of_the_demo_roster() -> None:
    # A skill the roster never uses would leave its category unmatchable in the demo.
    used = {s for c in DEFAULT_TAXONOMY.categories for s in c.skills}
    assert used <= set(SKILLS)
    assert DEFAULT_TAXONOMY["维修"].skills == ("维修",)
    assert DEFAULT_TAXONOMY["医疗健康"].skills == ("医护",)
    assert DEFAULT_TAXONOMY["环境卫生"].skills == ()  # anyone can report rubbish


def test_json_round_trip_gives_an_equal_taxonomy() -> None:
    text = DEFAULT_TAXONOMY.to_json()
    assert "维修" in text  # Chinese kept readable, not \\u escapes
    assert Taxonomy.from_json(text) == DEFAULT_TAXONOMY
    assert Taxonomy.from_dict(json.loads(text)).to_dict() == DEFAULT_TAXONOMY.to_dict()


def test_from_dict_fills_omitted_lists_with_the_defaults() -> None:
    taxonomy = Taxonomy.from_dict({"categories": [{"name": "其他"}]})
    assert taxonomy.urgent_keywords == DEFAULT_TAXONOMY.urgent_keywords
    assert taxonomy["其他"].urgency is Urgency.NORMAL


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"categories": [{"name": "其他", "colour": "red"}]}, r"categories\[0\]: unknown key"),
        ({"categories": [{"name": "其他", "skills": "维修"}]}, r"categories\[0\]\.skills"),
        ({"categories": [{"name": "其他", "urgency": "soon"}]}, "unknown urgency 'soon'"),
        ({"categories": [{"name": "维修"}]}, "fallback category '其他' is not a category"),
        ({"categories": "维修"}, "expected a list"),
        ({"categories": [{"label_en": "x"}]}, r"categories\[0\]: missing name"),
        ({"categories": [{"name": "其他"}, {"name": "其他"}]}, "repeated: 其他"),
        ({"categories": [{"name": "其他"}], "urgent_keywords": [""]}, "empty"),
        ({"categories": [{"name": "其他"}], "fallback": 3}, "taxonomy.fallback"),
        ({"categories": [{"name": "其他", "skills_optional": "yes"}]}, "true or false"),
    ],
)
def test_bad_config_is_refused_naming_the_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Taxonomy.from_dict(data)


def test_bad_json_names_line_and_column() -> None:
    with pytest.raises(ValueError, match="line 2 column 1"):
        Taxonomy.from_json('{"categories": [\n')


def test_a_keyword_in_two_categories_is_refused() -> None:
    with pytest.raises(ValueError, match="'漏水' is in two categories"):
        Taxonomy((Category("维修", keywords=("漏水",)), Category("其他", keywords=("漏水",))))


def test_editing_the_keyword_table_changes_the_proposals() -> None:
    assert classify("小区流浪猫太多").category == "其他"
    table = DEFAULT_TAXONOMY.keyword_table()
    edited = DEFAULT_TAXONOMY.with_keywords({"环境卫生": (*table["环境卫生"], "流浪猫")})
    assert classify("小区流浪猫太多", edited).category == "环境卫生"
    assert edited["维修"] == DEFAULT_TAXONOMY["维修"]  # other categories untouched
    with pytest.raises(ValueError, match="unknown categories in the keyword table: 宠物"):
        DEFAULT_TAXONOMY.with_keywords({"宠物": ("猫",)})


def test_unknown_category_lookup_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="unknown category '宠物'; known: 代购送药"):
        DEFAULT_TAXONOMY["宠物"]
