"""A new version of one of our policy guides with a changed number, rendered the way the seed PDFs are
(seed_data/policies/render.py) into a temporary folder, never over the committed PDF."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from core.settings import PROJECT_ROOT

POLICIES = PROJECT_ROOT / "seed_data" / "policies"


def _renderer(out_dir: Path):
    spec = importlib.util.spec_from_file_location("seed_policy_render", POLICIES / "render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.HERE = out_dir  # render() writes next to HERE: point it at the temporary folder
    return module


def render_revised(doc: str, replacements: dict[str, str], out_dir: Path, *, version: str) -> Path:
    """`doc`'s source with each `old -> new` replaced (each must occur) and a new version number, as a PDF."""
    text = (POLICIES / "src" / f"{doc}.md").read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, f"{old!r} is not in {doc}.md"
        text = text.replace(old, new)
    head, sep, body = text.partition("\n---\n")
    head = "\n".join(f'version: "{version}"' if line.startswith("version:") else line for line in head.splitlines())
    src = out_dir / "src" / f"{doc}.md"
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text(head + sep + body, encoding="utf-8")
    return _renderer(out_dir).render(src)


def conventional_min_score(score: int, out_dir: Path) -> Path:
    """conventional.pdf version 4.2 whose minimum credit score (sentence and summary table) is `score`."""
    return render_revised(
        "conventional",
        {
            "The minimum credit score for a conventional loan is 620.": (
                f"The minimum credit score for a conventional loan is {score}."
            ),
            "| Minimum credit score | 620 |": f"| Minimum credit score | {score} |",
        },
        out_dir,
        version="4.2",
    )
