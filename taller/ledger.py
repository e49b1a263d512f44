"""The ledger of a grading run: what was already graded, so that a run resumes and regrades only what
changed (issue 18).

One file per graded submission, `OUT/ledger/<key>.json`, written whole (a temporary file, then an
atomic rename) as soon as the submission is graded: a run killed at any point, `kill -9` included,
leaves only whole entries. The key is a hash of everything the verdict depends on: the notebook as
graded (the student's answers put onto the release), the master's bytes, the engine, the seed (taller
engine), the grading limits, and the kit's own code and engine versions. A grader failure is never
recorded, so it is tried again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

import nbformat

from .verdicts import RunResult, Verdict

ENGINE_PACKAGES = ("nbgrader", "otter-grader", "keras", "tensorflow", "keras-tuner", "numpy", "nbclient", "ipykernel")


def kit_fingerprint() -> str:
    """The kit's own code and the versions of what grades: a change of either grades anew."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(str(path.relative_to(Path(__file__).parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in ENGINE_PACKAGES:
        try:
            digest.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-\0".encode())
    return digest.hexdigest()


class Ledger:
    def __init__(self, folder: Path, context: dict):
        self.folder = folder
        self.context = json.dumps({**context, "kit": kit_fingerprint()}, sort_keys=True)

    def key(self, notebook, master: bytes) -> str:
        digest = hashlib.sha256(self.context.encode())
        digest.update(hashlib.sha256(master).digest())
        digest.update(nbformat.writes(notebook).encode("utf-8", errors="surrogatepass"))
        return digest.hexdigest()

    def get(self, key: str) -> RunResult | None:
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            verdicts = {k: Verdict(**v) for k, v in data.pop("verdicts").items()}
            return RunResult(verdicts=verdicts, **data)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def put(self, key: str, run: RunResult) -> None:
        if run.failure:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f".{key}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(dataclasses.asdict(run), ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.folder / f"{key}.json")
