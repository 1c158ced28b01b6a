"""docs/terminology.md is followed by the Chinese edition: the seed's terms are used, their rivals are not.

The Chinese texts are the lessons' translation files and the kit's catalogues (what the zh lessons,
figures, widgets and feedback say).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "docs" / "terminology.md"
SOURCES = sorted((ROOT / "notebooks" / "zh" / "translations").glob("*.toml")) + sorted(
    (ROOT / "lookup_lib" / "lessons").glob("*/zh.toml"))

# A rival term → the table's term. The seed's own wording may be quoted (in 「」 or “” or after 种子笔记).
RIVALS = {
    "小批量": "迷你批",
    "令牌": "词元",
    "填充符": "填充标记",
    "one-hot编码": "独热编码",
    "分散累加": "散射累加",
    "迭代周期": "轮",
    "自动求导": "自动微分",
    "池化": "汇聚",
}


def chinese_texts() -> list[tuple[str, str]]:
    """(file, text) for every Chinese text of the edition."""
    found = []
    for path in SOURCES:
        with path.open("rb") as f:
            data = tomllib.load(f)
        for cell in data.get("cell", []):
            if cell.get("zh"):
                found.append((path.name, cell["zh"]))
            found += [(path.name, r["zh"]) for r in cell.get("replace", [])]
        found += [(path.name, r["zh"]) for r in data.get("replace", []) + data.get("msg", []) + data.get("comment", [])]
    return found


def table_rows() -> list[list[str]]:
    rows = [line.split("|")[1:-1] for line in TABLE.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row] for row in rows[1:]]  # without the header


def test_the_table_has_one_chinese_term_per_english_one_sorted():
    rows = table_rows()
    english = [r[0] for r in rows]
    assert english == sorted(english, key=str.lower)
    assert len(set(english)) == len(english)


SEED_TERMS = ["查找表", "嵌入", "独热编码", "词汇表", "嵌入矩阵", "填充标记", "超参数", "范数",
              "稀疏梯度", "语义关系", "迷你批", "词元", "嵌入向量", "索引"]


@pytest.mark.parametrize("term", SEED_TERMS)
def test_the_seeds_terms_are_used(term):
    assert any(term in r[1] for r in table_rows()), f"{term} is not in docs/terminology.md"
    assert any(term in text for _, text in chinese_texts()), f"the Chinese edition never says {term}"


@pytest.mark.parametrize("rival", sorted(RIVALS))
def test_a_rival_term_is_not_used(rival):
    quote = re.compile(r"[「“][^」”]*[」”]")
    uses = [(name, text) for name, text in chinese_texts() if rival in quote.sub("", text)]
    assert not uses, f"{rival} (say {RIVALS[rival]}, docs/terminology.md) in " + ", ".join(n for n, _ in uses)
    assert any(RIVALS[rival] in r[1] for r in table_rows())
