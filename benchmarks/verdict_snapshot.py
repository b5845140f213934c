"""Did a speed change alter any verdict? Dump every verdict field for a fixed set of texts, then compare.

Run ``.venv/bin/python benchmarks/verdict_snapshot.py save SNAPSHOT.jsonl`` before a change and
``... compare SNAPSHOT.jsonl`` after it (keep the snapshot outside the repository). The texts: the development
corpus, every training and validation corpus under ``training/data`` (never the frozen folder), the
``ru_text`` column of ru_goemotions_validation.csv, the same lines mutated (typos, other keyboard layout,
translit, case, stretched letters; seeded, so always the same), and long texts glued from corpus lines (the
truncated path).
"""

from __future__ import annotations

import csv
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from detector import shared_data
from spasibo.detection import GratitudeDetector
from spasibo.detection.evaluation import read_corpus
from spasibo.detection.normalize import swap_layout

_REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(_REPO))  # the repository's ``training`` package, which knows the corpora
from training.corpora import read_lines, training_files  # noqa: E402

_SEED = 20261129
_LONG_TEXT_CHARS = (1500, 2100, 4096, 9000)
_TRANSLIT = str.maketrans("спасибоблагодарюмерц", "spasiboblagodarumerc")


def _corpus_texts() -> Iterator[tuple[str, str]]:
    for message in read_corpus(shared_data("gratitude_dev.tsv")):
        yield f"gratitude_dev.tsv:{message.line}", message.text
    for path in training_files():
        source = path.relative_to(_REPO / "training/data").as_posix()
        for number, line in enumerate(read_lines(path), start=1):
            yield f"{source}:{number}", line.text
    with shared_data("ru_goemotions_validation.csv").open(encoding="utf-8", newline="") as stream:
        for line, row in enumerate(csv.DictReader(stream), start=2):
            yield f"goemotions:{line}", row["ru_text"]


def _mutations(text: str, rng: random.Random) -> list[str]:
    """A few readings of ``text`` a chat user might type: typos, layout, translit, case, stretching."""
    chars = list(text)
    out = []
    if len(chars) > 3:
        typo = chars[:]
        at = rng.randrange(len(typo))
        kind = rng.randrange(4)
        if kind == 0:
            del typo[at]
        elif kind == 1:
            typo.insert(at, rng.choice("аеоиспбрт"))
        elif kind == 2:
            typo[at] = rng.choice("аеоиспбрт")
        elif at + 1 < len(typo):
            typo[at], typo[at + 1] = typo[at + 1], typo[at]
        out.append("".join(typo))
    words = text.split(" ")
    out.append(" ".join(swap_layout(w.lower()) or w for w in words))
    out.append(text.lower().translate(_TRANSLIT))
    out.append(text.upper())
    out.append(" ".join(w + w[-1] * 3 if w.isalpha() and rng.random() < 0.3 else w for w in words))
    return out


def snapshot_texts() -> Iterator[tuple[str, str]]:
    """Every (label, text) the snapshot covers, always in the same order."""
    rng = random.Random(_SEED)
    base = list(_corpus_texts())
    yield from base
    for label, text in base:
        for number, mutated in enumerate(_mutations(text, rng)):
            yield f"{label}~{number}", mutated
    glued = " ".join(text for _, text in base)
    for chars in _LONG_TEXT_CHARS:
        for start in range(0, 20_000, 2_500):
            yield f"long:{chars}@{start}", glued[start : start + chars]


def main() -> None:
    mode, path = sys.argv[1], Path(sys.argv[2])
    detector = GratitudeDetector()
    current = {label: detector.detect(text).model_dump(mode="json") for label, text in snapshot_texts()}
    if mode == "save":
        with path.open("w", encoding="utf-8") as stream:
            for label, verdict in current.items():
                stream.write(json.dumps({"label": label, "verdict": verdict}, ensure_ascii=False) + "\n")
        print(f"saved {len(current)} verdicts to {path}")
        return
    saved = {row["label"]: row["verdict"] for row in map(json.loads, path.open(encoding="utf-8"))}
    texts = dict(snapshot_texts())
    changed = [label for label in saved if current.get(label) != saved[label]]
    for label in changed[:20]:
        print(f"{label}: {texts.get(label)!r}\n  was {saved[label]}\n  now {current.get(label)}")
    missing = len(saved.keys() ^ current.keys())
    print(f"{len(changed)} of {len(saved)} verdicts changed; {missing} labels differ")
    sys.exit(1 if changed or missing else 0)


if __name__ == "__main__":
    main()
