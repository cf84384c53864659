"""The product catalog: ~500 x sqrt(scale) products (at least 50) in ten categories with their own prices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from orchestration.simulator.config import CDN_URL, SHOP_URL

# (category, popularity weight, median price in EUR, name stems, search terms)
CATEGORIES: tuple[tuple[str, float, float, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "sportswear",
        0.14,
        45.0,
        ("Running Shirt", "Training Tights", "Hoodie", "Track Jacket", "Sports Bra"),
        ("running shirt", "hoodie", "leggings"),
    ),
    (
        "shoes",
        0.13,
        95.0,
        ("Trail Runner", "Sneaker", "Hiking Boot", "Road Running Shoe", "Loafer"),
        ("trail running shoes", "sneaker", "boots"),
    ),
    (
        "outdoor",
        0.09,
        120.0,
        ("Rain Jacket", "Down Vest", "Backpack 30L", "Tent 2P", "Sleeping Bag"),
        ("rain jacket", "backpack", "tent"),
    ),
    (
        "electronics",
        0.10,
        180.0,
        ("Wireless Earbuds", "Smartwatch", "Bluetooth Speaker", "E-Reader", "Action Camera"),
        ("earbuds", "smartwatch", "speaker"),
    ),
    (
        "home",
        0.10,
        55.0,
        ("Throw Blanket", "Table Lamp", "Cushion Cover", "Bath Towel Set", "Wall Clock"),
        ("lamp", "blanket", "towels"),
    ),
    (
        "beauty",
        0.11,
        22.0,
        ("Face Cream", "Shampoo", "Eau de Parfum", "Lip Balm", "Body Lotion"),
        ("face cream", "perfume", "shampoo"),
    ),
    (
        "books",
        0.08,
        16.0,
        ("Cookbook", "Crime Novel", "Travel Guide", "Children's Book", "Biography"),
        ("cookbook", "novel", "travel guide"),
    ),
    (
        "toys",
        0.08,
        30.0,
        ("Building Set", "Puzzle 1000", "Board Game", "Plush Bear", "Model Car"),
        ("board game", "puzzle", "lego"),
    ),
    (
        "kitchen",
        0.10,
        60.0,
        ("Chef's Knife", "Frying Pan", "Espresso Maker", "Cutting Board", "Kettle"),
        ("knife", "pan", "espresso"),
    ),
    (
        "garden",
        0.07,
        70.0,
        ("Garden Hose", "Pruning Shears", "Planter", "Solar Lights", "Bird Feeder"),
        ("hose", "planter", "garden lights"),
    ),
)
CATEGORY_NAMES = tuple(c[0] for c in CATEGORIES)
BRANDS = (
    "Nordkap",
    "Alpenglow",
    "Urbanist",
    "Vela",
    "Kiruna",
    "Maison Lune",
    "Brightside",
    "Trailhead",
    "Hausmann",
    "Oakridge",
    "Lumen",
    "Fjell",
)
VARIANTS = ("", " Pro", " Lite", " Classic", " 2.0", ", waterproof", ", set of 2", " Eco")


@dataclass(frozen=True)
class Catalog:
    product_ids: np.ndarray  # str, "P00123"
    names: np.ndarray  # str
    category: np.ndarray  # int, index into CATEGORY_NAMES
    price_cents: np.ndarray  # int64
    by_category_price: np.ndarray  # product indices sorted by (category, price)
    category_start: np.ndarray  # offset of each category in by_category_price
    category_count: np.ndarray

    @property
    def size(self) -> int:
        return len(self.product_ids)

    def pick(self, category: np.ndarray, price_position: np.ndarray) -> np.ndarray:
        """Products of the given categories at a relative price position in [0, 1) within the category."""
        offset = np.minimum(
            (price_position * self.category_count[category]).astype(np.int64),
            self.category_count[category] - 1,
        )
        return self.by_category_price[self.category_start[category] + offset]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "product_id": self.product_ids,
                "name": self.names,
                "category": np.array(CATEGORY_NAMES, dtype=object)[self.category],
                "price": self.price_cents,
                "url": [f"{SHOP_URL}/p/{pid}" for pid in self.product_ids],
                "image_url": [f"{CDN_URL}/img/p/{pid}.jpg" for pid in self.product_ids],
            }
        )


def category_weights() -> np.ndarray:
    weights = np.array([c[1] for c in CATEGORIES])
    return weights / weights.sum()


def build_catalog(rng: np.random.Generator, scale: float) -> Catalog:
    n = max(50, round(500 * scale**0.5))
    n_categories = len(CATEGORIES)
    # Every category gets at least three products; the rest follow popularity.
    category = np.concatenate(
        [
            np.repeat(np.arange(n_categories), 3),
            rng.choice(n_categories, size=n - 3 * n_categories, p=category_weights()),
        ]
    )
    category = rng.permutation(category)
    medians = np.array([c[2] for c in CATEGORIES])[category]
    raw_price = medians * rng.lognormal(0.0, 0.55, size=n)
    # Shop prices end in .99, .95 or .00, as real ones do.
    endings = rng.choice(np.array([99, 95, 0]), size=n, p=[0.6, 0.25, 0.15])
    euros = np.maximum(np.floor(raw_price).astype(np.int64), 1)
    price_cents = np.where(endings == 0, (euros + 1) * 100, euros * 100 + endings)

    names = []
    for i in range(n):
        stems = CATEGORIES[category[i]][3]
        brand = BRANDS[rng.integers(len(BRANDS))]
        stem = stems[rng.integers(len(stems))]
        variant = VARIANTS[rng.integers(len(VARIANTS))]
        names.append(f"{brand} {stem}{variant}")
    product_ids = np.array([f"P{i + 1:05d}" for i in range(n)], dtype=object)

    order = np.lexsort((price_cents, category))
    count = np.bincount(category, minlength=n_categories)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    return Catalog(product_ids, np.array(names, dtype=object), category, price_cents, order, start, count)


def search_terms() -> tuple[list[str], np.ndarray]:
    """All search terms and the category each belongs to."""
    terms, term_category = [], []
    for index, entry in enumerate(CATEGORIES):
        for term in entry[4]:
            terms.append(term)
            term_category.append(index)
    return terms, np.array(term_category)
