"""Reading the labelled corpora under ``training/data`` and splitting them as ``training/split.toml`` says.

A corpus is a TSV file with the columns ``text thanks closing category`` (the labelling guide's format),
or ``id text thanks closing category`` (the goemo lines); a header line is skipped, ``\\n`` in a text is a
line break.
"""

from __future__ import annotations

import tomllib
import zlib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
SPLIT_FILE = ROOT / "split.toml"
FROZEN = DATA / "frozen"
GOEMO = "goemo"


@dataclass(frozen=True)
class Line:
    """One labelled message and the file (relative to ``training/data``) it came from."""

    text: str
    thanks: bool
    closing: bool
    category: str
    source: str
    id: str = ""


def read_lines(path: Path, source: str | None = None) -> list[Line]:
    """Every labelled line of one file; a malformed row raises ``ValueError`` naming file and line."""
    source = source or path.name
    lines: list[Line] = []
    for number, row in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        columns = row.split("\t")
        if not row.strip() or columns[0] in ("text", "id"):
            continue
        ident = ""
        if len(columns) == 5:
            ident, *columns = columns
        if len(columns) != 4 or columns[1] not in ("0", "1") or columns[2] not in ("0", "1"):
            raise ValueError(f"{path}:{number}: expected [id] text thanks closing category, got {row[:80]!r}")
        text, thanks, closing, category = columns
        lines.append(Line(text.replace("\\n", "\n"), thanks == "1", closing == "1", category, source, ident))
    return lines


def training_files(data: Path = DATA) -> list[Path]:
    """Every corpus used for training and validation, in a fixed order (the frozen folder excluded)."""
    return sorted(p for p in data.rglob("*.tsv") if FROZEN not in p.parents and p.parent != FROZEN)


@dataclass(frozen=True)
class Split:
    """Training and validation lines."""

    train: list[Line]
    validation: list[Line]
    goemo_modulo: int
    kinds: dict[str, list[str]] = field(default_factory=dict)  # a kind of source -> its files


def is_validation(line: Line, writers: set[str], goemo_modulo: int) -> bool:
    """True for a line of a held-out writer file or of the goemo slice chosen by its id."""
    if line.source in writers:
        return True
    return line.source.startswith(GOEMO) and zlib.crc32(line.id.encode()) % goemo_modulo == 0


def load_split(data: Path = DATA, split_file: Path = SPLIT_FILE) -> Split:
    """Read every training corpus and divide it as the split file says."""
    config = tomllib.loads(split_file.read_text(encoding="utf-8"))
    writers = set(config["validation_writers"])
    modulo = int(config["goemo_modulo"])
    train: list[Line] = []
    validation: list[Line] = []
    for path in training_files(data):
        for line in read_lines(path, path.relative_to(data).as_posix()):
            (validation if is_validation(line, writers, modulo) else train).append(line)
    kinds = {kind: list(files) for kind, files in config.get("kinds", {}).items()}
    return Split(train, validation, modulo, kinds)
