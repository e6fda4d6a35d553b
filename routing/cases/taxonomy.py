"""The community's case categories, the skill each needs and its keywords: an editable config."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Final

from routing.cases.urgency import Urgency

_CATEGORY_KEYS: Final = frozenset(
    {"name", "label_en", "skills", "skills_optional", "keywords", "urgency"}
)
_TAXONOMY_KEYS: Final = frozenset(
    {"categories", "fallback", "urgent_keywords", "calm_keywords", "raise_tags"}
)


@dataclass(frozen=True)
class Category:
    """One kind of need and who can serve it.

    Attributes
    ----------
    name : str
        The category as coordinators write it (``维修``); its key everywhere.
    label_en : str
        English label for English pages and files.
    skills : tuple of str
        Volunteer skills (as in the roster's 技能 column) that fit, best first; any one
        qualifies. Empty: anyone can serve it.
    skills_optional : bool
        False (default): only volunteers with one of ``skills`` are matched. True: anyone
        may be matched, volunteers with the skill are preferred.
    keywords : tuple of str
        Words (Chinese or English) that propose this category for a request.
    urgency : Urgency
        Urgency of a request of this category before household tags and urgent words.
    """

    name: str
    label_en: str = ""
    skills: tuple[str, ...] = ()
    skills_optional: bool = False
    keywords: tuple[str, ...] = ()
    urgency: Urgency = Urgency.NORMAL

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"a category needs a name, got {self.name!r}")
        if self.name != self.name.strip():
            raise ValueError(f"category name {self.name!r} has surrounding spaces")
        _check_words(f"category {self.name}: skills", self.skills)
        _check_words(f"category {self.name}: keywords", self.keywords)
        if not isinstance(self.urgency, Urgency):
            raise TypeError(f"category {self.name}: urgency must be an Urgency")
        if not isinstance(self.skills_optional, bool):
            raise TypeError(f"category {self.name}: skills_optional must be true or false")

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready): lists for tuples, the urgency by its lower-case name."""
        return {
            "name": self.name,
            "label_en": self.label_en,
            "skills": list(self.skills),
            "skills_optional": self.skills_optional,
            "keywords": list(self.keywords),
            "urgency": self.urgency.name.lower(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "category") -> Category:
        """Read ``to_dict`` output back; errors name ``where`` and the key."""
        _check_keys(data, _CATEGORY_KEYS, where, required=("name",))
        try:
            return cls(
                name=_text(data["name"], f"{where}.name"),
                label_en=_text(data.get("label_en", ""), f"{where}.label_en"),
                skills=_words(data.get("skills", ()), f"{where}.skills"),
                skills_optional=_flag(data.get("skills_optional", False), where),
                keywords=_words(data.get("keywords", ()), f"{where}.keywords"),
                urgency=Urgency.parse(data.get("urgency", "normal")),
            )
        except (TypeError, ValueError) as error:
            raise ValueError(f"{where}: {error}") from None


@dataclass(frozen=True)
class Taxonomy:
    """Categories, the fallback for unrecognised text, and the urgency words and tags.

    Attributes
    ----------
    categories : tuple of Category
        In the order pages list them; on a keyword tie the earlier category wins.
    fallback : str
        Category of text no keyword matches (其他), for the coordinator to sort.
    urgent_keywords : tuple of str
        Words that make a request urgent (see ``routing.cases.urgency.derive_urgency``).
    calm_keywords : tuple of str
        Phrases that contain an urgent word but say the opposite (不急).
    raise_tags : tuple of str
        Household tags that raise a request's urgency by one level.
    """

    categories: tuple[Category, ...]
    fallback: str = "其他"
    urgent_keywords: tuple[str, ...] = ("紧急", "急", "马上", "立即", "立刻", "尽快")
    calm_keywords: tuple[str, ...] = ("不急", "不着急", "不紧急", "not urgent")
    raise_tags: tuple[str, ...] = ("独居老人", "残疾", "困难家庭")
    _by_name: Mapping[str, Category] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.categories or not all(isinstance(c, Category) for c in self.categories):
            raise ValueError("a taxonomy needs at least one Category")
        names = [c.name for c in self.categories]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"category names must be unique; repeated: {', '.join(repeated)}")
        if self.fallback not in names:
            raise ValueError(f"the fallback category {self.fallback!r} is not a category")
        owners: dict[str, str] = {}
        for category in self.categories:
            for word in category.keywords:
                other = owners.setdefault(word.casefold(), category.name)
                if other != category.name:
                    raise ValueError(
                        f"keyword {word!r} is in two categories ({other} and {category.name})"
                    )
        for name in ("urgent_keywords", "calm_keywords", "raise_tags"):
            _check_words(name, getattr(self, name))
        by_name = MappingProxyType({c.name: c for c in self.categories})
        object.__setattr__(self, "_by_name", by_name)

    def __getitem__(self, name: str) -> Category:
        """The category called ``name``; ``KeyError`` naming the known ones otherwise."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"unknown category {name!r}; known: {', '.join(self.names)}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    @property
    def names(self) -> tuple[str, ...]:
        """Category names in order."""
        return tuple(c.name for c in self.categories)

    def keyword_table(self) -> dict[str, tuple[str, ...]]:
        """The editable keyword table: category name → its keywords."""
        return {c.name: c.keywords for c in self.categories}

    def with_keywords(self, table: Mapping[str, Sequence[str]]) -> Taxonomy:
        """A copy whose categories named in ``table`` get those keywords (others unchanged).

        Parameters
        ----------
        table : mapping of str to sequence of str
            Category name → its new keywords; every name must be a category.

        Returns
        -------
        Taxonomy
            The edited, re-validated taxonomy.
        """
        unknown = sorted(set(table) - set(self.names))
        if unknown:
            raise ValueError(f"unknown categories in the keyword table: {', '.join(unknown)}")
        categories = tuple(
            replace(c, keywords=_words(table[c.name], c.name)) if c.name in table else c
            for c in self.categories
        )
        return replace(self, categories=categories)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready) that ``from_dict`` reads back to an equal taxonomy."""
        return {
            "categories": [c.to_dict() for c in self.categories],
            "fallback": self.fallback,
            "urgent_keywords": list(self.urgent_keywords),
            "calm_keywords": list(self.calm_keywords),
            "raise_tags": list(self.raise_tags),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Taxonomy:
        """A taxonomy from plain data, every value checked; omitted lists take the defaults.

        Parameters
        ----------
        data : mapping
            As ``to_dict`` writes it; ``categories`` is required.

        Returns
        -------
        Taxonomy
            The validated taxonomy; ``ValueError`` names the key at fault.
        """
        _check_keys(data, _TAXONOMY_KEYS, "taxonomy", required=("categories",))
        raw = data["categories"]
        if not isinstance(raw, list):
            raise ValueError("taxonomy.categories: expected a list of categories")
        categories = []
        for i, item in enumerate(raw):
            where = f"taxonomy.categories[{i}]"
            if not isinstance(item, Mapping):
                raise ValueError(f"{where}: expected an object")
            categories.append(Category.from_dict(item, where))
        kwargs: dict[str, Any] = {"categories": tuple(categories)}
        if "fallback" in data:
            kwargs["fallback"] = _text(data["fallback"], "taxonomy.fallback")
        for name in ("urgent_keywords", "calm_keywords", "raise_tags"):
            if name in data:
                kwargs[name] = _words(data[name], f"taxonomy.{name}")
        return cls(**kwargs)

    def to_json(self) -> str:
        """``to_dict`` as indented JSON with the Chinese kept readable."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Taxonomy:
        """Read ``to_json`` output; bad JSON is a ``ValueError`` with line and column."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"taxonomy JSON, line {error.lineno} column {error.colno}: "
                             f"{error.msg}") from None  # fmt: skip
        if not isinstance(data, Mapping):
            raise ValueError("taxonomy JSON: expected an object")
        return cls.from_dict(data)


def _check_words(name: str, words: object) -> None:
    if not isinstance(words, tuple):
        raise TypeError(f"{name} must be a tuple of text, got {type(words).__name__}")
    for word in words:
        if not isinstance(word, str) or not word.strip() or word != word.strip():
            raise ValueError(f"{name}: {word!r} is empty or has surrounding spaces")
    folded = [w.casefold() for w in words]
    if len(set(folded)) < len(folded):
        raise ValueError(f"{name}: a word is listed twice")


def _check_keys(
    data: Mapping[str, Any], known: frozenset[str], where: str, required: tuple[str, ...]
) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}")
    missing = [k for k in required if k not in data]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where}: expected text, got {value!r}")
    return value.strip()


def _words(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"{where}: expected a list of text, got {value!r}")
    return tuple(_text(v, where) for v in value)


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{where}.skills_optional: expected true or false, got {value!r}")
    return value


# The demo roster's skills are 医护, 心理疏导, 外语, 驾驶, 维修, 法律, 社工 (routing/demo.py).
DEFAULT_TAXONOMY: Final = Taxonomy(
    categories=(
        Category(
            "代购送药", "Shopping and medicine delivery", skills=("驾驶",), skills_optional=True,
            keywords=("代购", "送药", "买药", "取药", "配药", "药品", "买菜", "送菜", "送餐",
                      "跑腿", "代买", "购物", "groceries", "shopping", "medicine", "pharmacy",
                      "prescription", "errand", "errands"),
        ),
        Category(
            "维修", "Repairs", skills=("维修",),
            keywords=("维修", "修理", "坏了", "损坏", "故障", "漏水", "水管", "电路", "跳闸",
                      "灯", "电梯", "门锁", "堵塞", "repair", "repairs", "broken", "leak",
                      "leaking", "plumbing", "lift", "elevator", "light"),
        ),
        Category(
            "医疗健康", "Health", skills=("医护",), urgency=Urgency.PRIORITY,
            keywords=("就医", "医生", "看病", "医院", "体检", "血压", "血糖", "护理", "康复",
                      "疫苗", "陪诊", "不舒服", "doctor", "hospital", "clinic", "nurse",
                      "nursing", "health", "blood pressure", "vaccine"),
        ),
        Category(
            "心理疏导", "Counselling and company", skills=("心理疏导", "社工"),
            keywords=("心理", "情绪", "抑郁", "焦虑", "孤独", "陪伴", "聊天", "探访", "上门探访",
                      "倾诉", "疏导", "lonely", "loneliness", "counselling", "counseling",
                      "depression", "anxiety"),
        ),
        Category(
            "法律咨询", "Legal advice", skills=("法律",),
            keywords=("法律", "律师", "纠纷", "合同", "遗嘱", "继承", "维权", "起诉", "欠薪",
                      "legal", "lawyer", "dispute", "contract", "inheritance"),
        ),
        Category(
            "政策咨询", "Policy and benefits", skills=("社工", "法律"),
            keywords=("政策", "补贴", "低保", "医保", "社保", "养老金", "申请", "办理", "证明",
                      "户口", "居住证", "残疾证", "subsidy", "allowance", "pension", "benefit",
                      "benefits", "policy", "insurance", "permit"),
        ),
        Category(
            "环境卫生", "Environment and sanitation",
            keywords=("垃圾", "卫生", "清洁", "清扫", "打扫", "异味", "污水", "积水", "蚊虫",
                      "老鼠", "杂物", "堆放", "绿化", "garbage", "rubbish", "trash", "litter",
                      "cleaning", "sanitation", "smell", "pests", "rats"),
        ),
        Category("其他", "Other", skills=("社工",), skills_optional=True),
    )
)  # fmt: skip
