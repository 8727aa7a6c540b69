"""CLI: fine-tune the domain reranker on the policy corpus, with a progress bar.

    python -m rag.train_reranker [--layers 2] [--max-length 128] [--epochs 1] [--force]

Skips training when the cached model already matches the recipe, settings and corpus. Exit code
0 on success, 2 on setup errors. Then use it with RERANKER_MODEL=domain.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from core.errors import LoanGraphError
from core.settings import get_settings
from rag.retrieval.rerank_training import TrainConfig


def main(argv: Sequence[str] | None = None) -> int:
    import torch

    from rag.train_reranker.service import train_domain_reranker

    defaults = TrainConfig()
    parser = argparse.ArgumentParser(prog="python -m rag.train_reranker", description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=defaults.layers, help="MiniLM layers kept (of 6)")
    parser.add_argument("--max-length", type=int, default=defaults.max_length, help="tokens per (query, chunk) pair")
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--force", action="store_true", help="retrain even if the cached model is current")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    torch.set_num_threads(settings.torch_threads)
    config = TrainConfig(layers=args.layers, max_length=args.max_length, epochs=args.epochs)
    try:
        report = train_domain_reranker(settings, config, force=args.force)
    except LoanGraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if report.status == "up to date":
        print(f"domain reranker up to date in {report.path} (use --force to retrain)")
    else:
        print(
            f"trained on {report.pairs} pairs ({report.queries} queries, {report.chunks} chunks) "
            f"in {report.seconds:.0f} s, last-epoch loss {report.loss:.3f}; saved to {report.path}"
        )
    print("use it with RERANKER_MODEL=domain")
    return 0


if __name__ == "__main__":
    sys.exit(main())
