"""Write lookup_lib/data/topics.tsv: the short topic-labelled sentences lesson 06 classifies.

Usage: python tools/make_topics.py [--check]

The data set is written for this project. Each sentence comes from a hand-written template of
one topic (food, sport, technology, weather) whose slots are filled with words of that topic
and with shared words (days, people, a few adjectives). Some adjectives belong to two topics
("hot" food and "hot" weather, "fast" players and "fast" laptops), and a few templates name the
topic with one such adjective only, so a bag-of-words classifier has something to get wrong.

Every topic gets ``PER_TOPIC`` distinct sentences; the last ``TEST_PER_TOPIC`` of each topic
(after a seeded shuffle) form the test split. The output depends only on the lists below and
SEED: running the script twice gives the same bytes. ``--check`` exits with status 1 if the
shipped file differs from what the script would write (tests/test_textdata.py runs it).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "lookup_lib" / "data" / "topics.tsv"
SEED = 6
PER_TOPIC = 160
TEST_PER_TOPIC = 40

# Slots every topic may use.
SHARED: dict[str, list[str]] = {
    "day": ["today", "yesterday", "on monday", "on friday", "at the weekend", "last night", "this morning"],
    "who": ["my brother", "our neighbour", "the children", "everyone", "my aunt", "the students", "we", "they"],
}

# Per topic: its slots (word lists) and its templates. A slot name is looked up in the topic's
# own lists first, then in SHARED.
TOPICS: dict[str, dict[str, list[str]]] = {
    "food": {
        "dish": ["soup", "pasta", "curry", "salad", "pizza", "bread", "cake", "noodles", "stew", "pie", "omelette"],
        "ingredient": ["garlic", "onions", "cheese", "tomatoes", "butter", "pepper", "lemon", "mushrooms", "honey",
                       "chicken", "beans", "ginger"],
        "cook": ["chef", "baker", "cook", "waiter"],
        "verb": ["baked", "cooked", "fried", "tasted", "served", "roasted", "ordered", "shared"],
        "place": ["kitchen", "restaurant", "bakery", "cafe", "market"],
        "adj": ["delicious", "spicy", "sweet", "salty", "crispy", "hot", "fresh", "tasty", "cold", "warm"],
        "templates": [
            "the {cook} {verb} the {adj} {dish} {day}",
            "{who} {verb} {dish} with {ingredient} and {ingredient}",
            "this {dish} needs more {ingredient}",
            "the {dish} at the new {place} was {adj}",
            "add the {ingredient} to the {dish} and stir",
            "{who} bought {ingredient} at the {place} {day}",
            "the {cook} chopped the {ingredient} for the {dish}",
            "{adj} {dish} for dinner again",
            "everyone said it was {adj} {day}",
        ],
    },
    "sport": {
        "sport": ["football", "tennis", "basketball", "cricket", "rugby", "hockey", "golf", "volleyball"],
        "player": ["striker", "goalkeeper", "captain", "coach", "referee", "champion", "defender", "team"],
        "event": ["match", "final", "league", "tournament", "race", "cup", "season"],
        "verb": ["scored", "won", "lost", "trained", "defended", "celebrated", "played"],
        "place": ["stadium", "pitch", "court", "track", "gym"],
        "adj": ["fast", "strong", "tired", "brilliant", "tough", "exciting", "cool", "hot"],
        "templates": [
            "the {player} {verb} in the last minute of the {event}",
            "{who} watched the {sport} {event} at the {place}",
            "our {sport} team {verb} the {event} {day}",
            "the {player} said the {event} was {adj}",
            "{who} played {sport} at the {place} {day}",
            "a {adj} {player} scored twice in the {event}",
            "the fans cheered when the {player} {verb}",
            "the {sport} {event} starts at the {place}",
            "everyone said it was {adj} {day}",
        ],
    },
    "technology": {
        "device": ["phone", "laptop", "computer", "tablet", "server", "router", "camera", "printer", "robot"],
        "software": ["app", "software", "update", "browser", "database", "website", "program", "network"],
        "person": ["engineer", "developer", "programmer", "startup"],
        "verb": ["installed", "crashed", "downloaded", "launched", "updated", "rebooted", "tested", "fixed"],
        "adj": ["fast", "new", "wireless", "digital", "smart", "slow", "cool"],
        "templates": [
            "the {person} {verb} the {software} on the {device}",
            "my {device} {verb} after the {software} update",
            "{who} bought a {adj} {device} {day}",
            "the {software} runs on every {device}",
            "the {person} released a {adj} {software}",
            "{who} {verb} the {device} twice {day}",
            "the {device} connects to the {software} without cables",
            "a {adj} {device} with a bigger battery",
            "everyone said it was {adj} {day}",
        ],
    },
    "weather": {
        "sky": ["rain", "snow", "wind", "storm", "fog", "sunshine", "thunder", "hail", "frost", "drizzle"],
        "thing": ["forecast", "temperature", "sky", "clouds", "breeze", "showers"],
        "verb": ["started", "stopped", "returned", "cleared", "arrived"],
        "adj": ["cold", "hot", "windy", "sunny", "cloudy", "humid", "freezing", "wet", "mild", "cool", "warm", "fresh"],
        "templates": [
            "the {thing} says {sky} {day}",
            "heavy {sky} {verb} {day}",
            "it was {adj} and {adj} {day}",
            "{who} stayed inside because of the {sky}",
            "the {thing} turned {adj} after the {sky}",
            "a {adj} {thing} with some {sky} in the north",
            "{who} took an umbrella for the {sky}",
            "the {sky} {verb} and the {thing} cleared",
            "everyone said it was {adj} {day}",
        ],
    },
}

HEADER = """\
# topics.tsv: short English sentences in four topics, written for this project (lesson 06, EmbeddingBag).
# Generated by tools/make_topics.py (seed {seed}) from hand-written word lists and templates;
# regenerate it with: python tools/make_topics.py
# {per_topic} sentences per topic; the test split holds {test} of each topic.
# Lines starting with '#' are comments. Columns (tab-separated): split (train/test), topic, text
# (lower case, words separated by single spaces)."""

SLOT = re.compile(r"\{(\w+)\}")


def fill(template: str, words: dict[str, list[str]], rng: np.random.Generator) -> str:
    """``template`` with every slot replaced by a word of the topic's list (or a shared one) of that name.

    A slot used twice gets two different words ("garlic and onions", never "onions and onions").
    """
    used: set[str] = set()

    def word(match: re.Match[str]) -> str:
        choices = [w for w in words.get(match.group(1)) or SHARED[match.group(1)] if w not in used]
        chosen = choices[int(rng.integers(len(choices)))]
        used.add(chosen)
        return chosen

    return SLOT.sub(word, template)


def topic_sentences(topic: str, rng: np.random.Generator, count: int = PER_TOPIC) -> list[str]:
    """``count`` distinct sentences of one topic, in the order they were drawn."""
    words = TOPICS[topic]
    templates = words["templates"]
    seen: dict[str, None] = {}  # an ordered set
    while len(seen) < count:
        seen.setdefault(fill(templates[int(rng.integers(len(templates)))], words, rng))
    return list(seen)


def make_topics(seed: int = SEED) -> str:
    """The text of topics.tsv: header, column names, then the train rows and the test rows, topic by topic."""
    rng = np.random.default_rng(seed)
    rows = {"train": [], "test": []}
    for topic in sorted(TOPICS):
        sentences = topic_sentences(topic, rng)
        order = rng.permutation(len(sentences))
        for rank, k in enumerate(order):
            split = "test" if rank >= len(sentences) - TEST_PER_TOPIC else "train"
            rows[split].append(f"{split}\t{topic}\t{sentences[k]}")
    lines = [HEADER.format(seed=seed, per_topic=PER_TOPIC, test=TEST_PER_TOPIC), "split\ttopic\ttext"]
    return "\n".join(lines + rows["train"] + rows["test"]) + "\n"


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))  # so that `python tools/make_topics.py` finds the tools package
    from tools._shipped_data import write_or_check

    return write_or_check(OUT, make_topics(), "tools/make_topics.py", argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
