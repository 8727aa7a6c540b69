"""What issue 11's controls cost: migrating (grants, checkpoint tables), a template clone as the test
fixtures make it, appending audit records as the app role (with the anchor export), and checking.

    python benchmarks/audit.py [--records 500] [--repeats 5]
"""

from __future__ import annotations

import argparse
import logging
import time

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from benchmarks.common import machine_line, median, percentile, print_table
from core.audit import append, default_anchor_dir, default_key
from core.audit.verify import audit_report
from core.db import MIGRATIONS_DIR, migrate, recreate_database, resolve_database_url
from core.db_roles import app_url
from core.settings import get_settings

TEMPLATE, CLONE = "bench_audit_template", "bench_audit_clone"


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _alembic_only(engine) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    server = resolve_database_url(get_settings())
    owner = create_engine(recreate_database(server, TEMPLATE), poolclass=NullPool)
    rows = [("migrate a fresh database (alembic only)", _timed(lambda: _alembic_only(owner)))]
    rows.append(("+ checkpoint tables and grants (core.db.migrate)", _timed(lambda: migrate(owner))))
    owner.dispose()
    clones, remigrate = [], []
    for _ in range(args.repeats):
        clones.append(_timed(lambda: recreate_database(server, CLONE, template=TEMPLATE)))
        clone = create_engine(recreate_database(server, CLONE, template=TEMPLATE), poolclass=NullPool)
        remigrate.append(_timed(lambda: migrate(clone)))
        clone.dispose()
    rows += [
        (f"template clone (median of {args.repeats})", median(clones)),
        (f"migrate an up-to-date clone (median of {args.repeats})", median(remigrate)),
    ]

    app = create_engine(app_url(create_engine(server).url.set(database=CLONE).render_as_string(hide_password=False)))
    sessions, key, anchors = sessionmaker(bind=app), default_key(), default_anchor_dir()
    appends = []
    for i in range(args.records):

        def one() -> None:
            with sessions.begin() as s:
                append(s, event="bench", payload={"i": i, "recommendation": "APPROVE"}, key=key, anchor_dir=anchors)

        appends.append(_timed(one))
    bare = []
    with app.connect() as conn:  # a session on a caller's connection: the same append, no anchor export
        for i in range(args.records):

            def one_bare() -> None:
                with conn.begin(), sessionmaker(bind=conn)() as s:
                    append(s, event="bench", payload={"i": i, "recommendation": "APPROVE"}, key=key)

            bare.append(_timed(one_bare))
    rows += [
        (f"append + commit + anchor export, p50 ({args.records} records)", median(appends)),
        ("append + commit + anchor export, p95", percentile(appends, 95)),
        ("append + commit without the anchor export, p50", median(bare)),
        ("append + commit without the anchor export, p95", percentile(bare, 95)),
    ]
    with sessions() as s:
        rows.append(
            (
                f"python -m core.audit checks ({2 * args.records} records)",
                _timed(lambda: audit_report(s, key=key, anchor_dir=anchors)),
            )
        )
    app.dispose()
    print(machine_line())
    print_table(["step", "ms"], [(name, f"{ms:.1f}") for name, ms in rows])


if __name__ == "__main__":
    main()
