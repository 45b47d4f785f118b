"""Class labels used across the toolkit, in Chinese with their English twins.

One place for every label a map, table or export shows.  Each table is a
tuple of :class:`Label` in order from the lowest / coldest class to the
highest / hottest (or in the conventional order of the literature).
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "Label",
    "HOTSPOT_CLASSES",
    "GI_BINS",
    "LISA_CLUSTERS",
    "COUPLING_CLASSES",
    "TAPIO_STATES",
    "TAPIO_GROUPS",
    "INTERACTION_TYPES",
    "ZONES",
    "CORE_PERIPHERY",
    "LINK_TIERS",
    "DIRECTIONS",
    "RANK_CLASSES",
    "RANK_LEVELS",
    "NO_NEIGHBOURS",
    "EMERGING_PATTERNS",
    "MARKOV_CLASSES",
    "markov_classes",
    "zh",
    "en",
]


class Label(NamedTuple):
    """One class label: machine key, Chinese and English text, map colour.

    Parameters
    ----------
    key : str
        Stable machine key used in result frames, styles and GeoPackages
        (e.g. ``"hot"``, ``"HH"``).
    zh : str
        Chinese label as the literature prints it (e.g. ``"热点"``).
    en : str
        English twin (e.g. ``"Hot spot"``).
    color : str, default "#cccccc"
        Map / legend colour, ``"#rrggbb"``.
    """

    key: str  # stable machine key used in frames and styles
    zh: str
    en: str
    color: str = "#cccccc"


#: Five literature classes of Gi* z-scores, cold → hot.
HOTSPOT_CLASSES: tuple[Label, ...] = (
    Label("cold", "冷点", "Cold spot", "#2166ac"),
    Label("sub_cold", "次冷点", "Sub-cold spot", "#92c5de"),
    Label("transition", "过渡", "Transition", "#f7f7f7"),
    Label("sub_hot", "次热点", "Sub-hot spot", "#f4a582"),
    Label("hot", "热点", "Hot spot", "#b2182b"),
)

#: ArcGIS Gi_Bin values −3 … 3.
GI_BINS: tuple[Label, ...] = (
    Label("-3", "冷点（99%置信）", "Cold spot – 99% confidence", "#4575b5"),
    Label("-2", "冷点（95%置信）", "Cold spot – 95% confidence", "#849eba"),
    Label("-1", "冷点（90%置信）", "Cold spot – 90% confidence", "#c0ccbe"),
    Label("0", "不显著", "Not significant", "#ffffbf"),
    Label("1", "热点（90%置信）", "Hot spot – 90% confidence", "#fab984"),
    Label("2", "热点（95%置信）", "Hot spot – 95% confidence", "#ed7551"),
    Label("3", "热点（99%置信）", "Hot spot – 99% confidence", "#d62f27"),
)

#: Local Moran cluster types (GeoDa colours).
LISA_CLUSTERS: tuple[Label, ...] = (
    Label("ns", "不显著", "Not significant", "#eeeeee"),
    Label("HH", "高-高", "High-High", "#e41a1c"),
    Label("LH", "低-高", "Low-High", "#9ecae1"),
    Label("LL", "低-低", "Low-Low", "#377eb8"),
    Label("HL", "高-低", "High-Low", "#fb9a99"),
)

#: Ten coupling-coordination classes at 0.1 steps of D (廖重斌 1999), low → high.
COUPLING_CLASSES: tuple[Label, ...] = (
    Label("extreme_imbalance", "极度失调", "Extreme imbalance", "#a50026"),
    Label("serious_imbalance", "严重失调", "Serious imbalance", "#d73027"),
    Label("moderate_imbalance", "中度失调", "Moderate imbalance", "#f46d43"),
    Label("mild_imbalance", "轻度失调", "Mild imbalance", "#fdae61"),
    Label("near_imbalance", "濒临失调", "On the verge of imbalance", "#fee08b"),
    Label("barely_coordinated", "勉强协调", "Barely coordinated", "#d9ef8b"),
    Label("primary_coordination", "初级协调", "Primary coordination", "#a6d96a"),
    Label("intermediate_coordination", "中级协调", "Intermediate coordination", "#66bd63"),
    Label("good_coordination", "良好协调", "Good coordination", "#1a9850"),
    Label("quality_coordination", "优质协调", "High-quality coordination", "#006837"),
)

#: Tapio (2005) eight decoupling states.
TAPIO_STATES: tuple[Label, ...] = (
    Label("strong_decoupling", "强脱钩", "Strong decoupling", "#1a9850"),
    Label("weak_decoupling", "弱脱钩", "Weak decoupling", "#91cf60"),
    Label("recessive_decoupling", "衰退脱钩", "Recessive decoupling", "#d9ef8b"),
    Label("expansive_coupling", "扩张连接", "Expansive coupling", "#fee08b"),
    Label("recessive_coupling", "衰退连接", "Recessive coupling", "#fdae61"),
    Label("expansive_negative_decoupling", "扩张负脱钩", "Expansive negative decoupling", "#f46d43"),
    Label("strong_negative_decoupling", "强负脱钩", "Strong negative decoupling", "#a50026"),
    Label("weak_negative_decoupling", "弱负脱钩", "Weak negative decoupling", "#d73027"),
)

#: Tapio states grouped into three.
TAPIO_GROUPS: tuple[Label, ...] = (
    Label("decoupling", "脱钩", "Decoupling", "#1a9850"),
    Label("coupling", "连接", "Coupling", "#fee08b"),
    Label("negative_decoupling", "负脱钩", "Negative decoupling", "#d73027"),
)

#: Geographic-detector interaction types (Wang & Xu 2017).
INTERACTION_TYPES: tuple[Label, ...] = (
    Label("nonlinear_weaken", "非线性减弱", "Nonlinear weaken"),
    Label("univariate_weaken", "单因子非线性减弱", "Uni-variable weaken"),
    Label("bivariate_enhance", "双因子增强", "Bi-variable enhance"),
    Label("independent", "独立", "Independent"),
    Label("nonlinear_enhance", "非线性增强", "Nonlinear enhance"),
)

#: Territorial-space zones (三区三线, 主体功能区).
ZONES: tuple[Label, ...] = (
    Label("urban", "城镇空间", "Urban space", "#e31a1c"),
    Label("agricultural", "农业空间", "Agricultural space", "#ffd92f"),
    Label("ecological", "生态空间", "Ecological space", "#33a02c"),
    Label("urban_boundary", "城镇开发边界", "Urban development boundary", "#fb9a99"),
    Label("farmland", "永久基本农田", "Permanent basic farmland", "#fdbf6f"),
    Label("eco_redline", "生态保护红线", "Ecological protection red line", "#1f78b4"),
    Label("optimized", "优化开发区", "Optimised development zone", "#b15928"),
    Label("key", "重点开发区", "Key development zone", "#ff7f00"),
    Label("agri_production", "农产品主产区", "Main agricultural-production zone", "#b2df8a"),
    Label("key_ecological", "重点生态功能区", "Key ecological-function zone", "#6a3d9a"),
    Label("prohibited", "禁止开发区", "Prohibited development zone", "#cab2d6"),
    Label("unzoned", "未分区", "Unzoned", "#ffffff"),
)


#: Core–periphery classes of a linkage network.
CORE_PERIPHERY: tuple[Label, ...] = (
    Label("core", "核心区", "Core", "#b2182b"),
    Label("semi_periphery", "半边缘区", "Semi-periphery", "#f4a582"),
    Label("periphery", "边缘区", "Periphery", "#92c5de"),
)

#: Link tiers of a flow map, strongest first (tier 1 = 第一层级).
LINK_TIERS: tuple[Label, ...] = (
    Label("1", "第一层级", "Tier 1 (strongest)", "#67000d"),
    Label("2", "第二层级", "Tier 2", "#cb181d"),
    Label("3", "第三层级", "Tier 3", "#fb6a4a"),
    Label("4", "第四层级", "Tier 4", "#fcae91"),
    Label("5", "第五层级", "Tier 5 (weakest)", "#fee5d9"),
)

#: The eight compass directions, clockwise from north (centre migration).
DIRECTIONS: tuple[Label, ...] = (
    Label("N", "北", "north"),
    Label("NE", "东北", "northeast"),
    Label("E", "东", "east"),
    Label("SE", "东南", "southeast"),
    Label("S", "南", "south"),
    Label("SW", "西南", "southwest"),
    Label("W", "西", "west"),
    Label("NW", "西北", "northwest"),
)


#: Rank consistency of an index against a reference (e.g. GDP per capita rank): the type, by the
#: sign of rank(index) − rank(reference) (negative: the index ranks above the reference → 超前).
RANK_CLASSES: tuple[Label, ...] = (
    Label("lagging", "滞后", "Lagging", "#d73027"),
    Label("in_step", "同步", "In step", "#ffffbf"),
    Label("ahead", "超前", "Ahead", "#1a9850"),
)

#: Rank consistency level, by |rank(index) − rank(reference)| <= threshold (default 3).
RANK_LEVELS: tuple[Label, ...] = (
    Label("high", "一致性水平较高", "High consistency", "#4575b4"),
    Label("low", "一致性水平较低", "Low consistency", "#fdae61"),
)


#: Level classes of a Markov chain's quantile groups, low → high, by number of classes k.
MARKOV_CLASSES: dict[int, tuple[Label, ...]] = {
    3: (
        Label("low", "低水平", "Low"),
        Label("medium", "中水平", "Medium"),
        Label("high", "高水平", "High"),
    ),
    4: (
        Label("low", "低水平", "Low"),
        Label("medium_low", "中低水平", "Medium-low"),
        Label("medium_high", "中高水平", "Medium-high"),
        Label("high", "高水平", "High"),
    ),
    5: (
        Label("low", "低水平", "Low"),
        Label("medium_low", "中低水平", "Medium-low"),
        Label("medium", "中等水平", "Medium"),
        Label("medium_high", "中高水平", "Medium-high"),
        Label("high", "高水平", "High"),
    ),
}


def markov_classes(k: int, prefix: str = "C") -> tuple[Label, ...]:
    """Labels of ``k`` ordered Markov classes, low → high.

    Parameters
    ----------
    k : int
        Number of classes.  3, 4 or 5 give :data:`MARKOV_CLASSES`
        (低水平 Low … 高水平 High).
    prefix : str, default "C"
        For any other ``k``: key and label of class ``c`` are
        ``f"{prefix}{c}"`` (``C1 … Ck``), Chinese and English alike.

    Returns
    -------
    tuple of Label
        ``k`` labels, lowest class first.
    """
    if k in MARKOV_CLASSES:
        return MARKOV_CLASSES[k]
    return tuple(Label(f"{prefix}{c}", f"{prefix}{c}", f"{prefix}{c}") for c in range(1, k + 1))


#: Units left without neighbours by the weights (statistics undefined there).
NO_NEIGHBOURS = Label("no_neighbours", "无邻接单元", "No neighbours", "#bdbdbd")

#: ArcGIS Emerging Hot Spot Analysis patterns (17), hot then cold, "no pattern" last.
EMERGING_PATTERNS: tuple[Label, ...] = (
    Label("new_hot", "新增热点", "New hot spot", "#67000d"),
    Label("consecutive_hot", "连续热点", "Consecutive hot spot", "#a50f15"),
    Label("intensifying_hot", "加强热点", "Intensifying hot spot", "#cb181d"),
    Label("persistent_hot", "持续热点", "Persistent hot spot", "#ef3b2c"),
    Label("diminishing_hot", "减弱热点", "Diminishing hot spot", "#fb6a4a"),
    Label("sporadic_hot", "零星热点", "Sporadic hot spot", "#fc9272"),
    Label("oscillating_hot", "振荡热点", "Oscillating hot spot", "#fcbba1"),
    Label("historical_hot", "历史热点", "Historical hot spot", "#fee0d2"),
    Label("new_cold", "新增冷点", "New cold spot", "#08306b"),
    Label("consecutive_cold", "连续冷点", "Consecutive cold spot", "#08519c"),
    Label("intensifying_cold", "加强冷点", "Intensifying cold spot", "#2171b5"),
    Label("persistent_cold", "持续冷点", "Persistent cold spot", "#4292c6"),
    Label("diminishing_cold", "减弱冷点", "Diminishing cold spot", "#6baed6"),
    Label("sporadic_cold", "零星冷点", "Sporadic cold spot", "#9ecae1"),
    Label("oscillating_cold", "振荡冷点", "Oscillating cold spot", "#c6dbef"),
    Label("historical_cold", "历史冷点", "Historical cold spot", "#deebf7"),
    Label("no_pattern", "无显著模式", "No pattern detected", "#f0f0f0"),
)


def _lookup(table: tuple[Label, ...], key: str) -> Label:
    for lab in table:
        if lab.key == key:
            return lab
    from .errors import InputError

    raise InputError(f"unknown label key {key!r}; known keys: {[lab.key for lab in table]}")


def zh(table: tuple[Label, ...], key: str) -> str:
    """Chinese label of ``key`` in ``table``.

    Parameters
    ----------
    table : tuple of Label
        A label table, e.g. :data:`HOTSPOT_CLASSES`.
    key : str
        The machine key, e.g. ``"hot"``.

    Returns
    -------
    str
        The Chinese label, e.g. ``"热点"``.

    Raises
    ------
    InputError
        If no label in ``table`` has this key (the message lists the keys).
    """
    return _lookup(table, key).zh


def en(table: tuple[Label, ...], key: str) -> str:
    """English label of ``key`` in ``table``.

    Parameters
    ----------
    table : tuple of Label
        A label table, e.g. :data:`HOTSPOT_CLASSES`.
    key : str
        The machine key, e.g. ``"hot"``.

    Returns
    -------
    str
        The English label, e.g. ``"Hot spot"``.

    Raises
    ------
    InputError
        If no label in ``table`` has this key (the message lists the keys).
    """
    return _lookup(table, key).en
