"""Proposing a category from request text with the keyword table."""

from __future__ import annotations

import pytest

from routing.cases import DEFAULT_TAXONOMY, Category, Taxonomy, classify
from routing.demo import REQUEST_PHRASES


@pytest.mark.parametrize(
    ("text", "category", "keyword"),
    [
        ("需要代购药品", "代购送药", "代购"),  # 代购 and 药品 tie at 2; 代购 is listed first
        ("希望有人定期上门探访", "心理疏导", "上门探访"),  # the 4-character keyword wins
        ("楼道灯坏了", "维修", "坏了"),  # 坏了 (2) beats 灯 (1)
        ("需要帮忙预约社区医生", "医疗健康", "医生"),
        ("电梯经常故障", "维修", "故障"),  # 电梯 and 故障 tie; 故障 is listed before 电梯
        ("希望协助办理补贴申请", "政策咨询", "补贴"),
        ("家中水管漏水需维修", "维修", "维修"),
        ("需要陪同就医", "医疗健康", "就医"),
    ],
)
def test_the_demo_requests(text: str, category: str, keyword: str) -> None:
    found = classify(text)
    assert (found.category, found.keyword) == (category, keyword)
    assert found.reason == f"keyword “{keyword}”"


def test_every_demo_phrase_is_recognised() -> None:
    assert all(classify(p).keyword for p in REQUEST_PHRASES)


def test_english_keywords_match_whole_words_in_any_case() -> None:
    assert classify("The kitchen pipe has a LEAK").category == "维修"
    assert classify("a bleak winter").category == "其他"  # "leak" inside "bleak" is no match
    assert classify("need a lawyer for my contract").keyword == "contract"  # 8 letters > 6


def test_unknown_text_goes_to_the_fallback_without_a_keyword() -> None:
    found = classify("想了解一下社区活动")
    assert (found.category, found.keyword, found.reason) == ("其他", "", "no keyword matched")
    assert classify("").category == "其他"


def test_longer_keyword_beats_earlier_category() -> None:
    taxonomy = Taxonomy(
        (Category("甲", keywords=("灯",)), Category("乙", keywords=("灯坏了",)), Category("其他"))
    )
    assert classify("楼道灯坏了", taxonomy).category == "乙"


def test_equal_length_goes_to_the_category_listed_first() -> None:
    first = Taxonomy(
        (Category("水", keywords=("水管",)), Category("漏", keywords=("漏水",)), Category("其他"))
    )
    swapped = Taxonomy((first["漏"], first["水"], first["其他"]))
    assert classify("水管漏水", first).category == "水"
    assert classify("水管漏水", swapped).category == "漏"


def test_same_text_same_answer() -> None:
    text = "楼道灯坏了，需要代购药品"
    assert {classify(text, DEFAULT_TAXONOMY) for _ in range(5)} == {classify(text)}
