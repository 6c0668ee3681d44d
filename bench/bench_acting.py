"""Benchmark: an obligation's page and its outcome form, server-side, on the large council.

    .venv/bin/python bench/bench_acting.py [--n 200] [--pg URL] [--only sqlite|postgresql]

A Practice Manager of the large synthetic council (East Sussex 2013) is
signed in; for ``--n`` of her open audits the bench times ``GET
/obligations/{id}`` (the page with every form it offers) and ``POST
/obligations/{id}/outcome`` (the form read, ``qaf record``'s checks, the
outcome and what it sets off written, the result page) through the app in
process (Starlette's TestClient: no network). The floor, measured in the same
run on other audits of the same store, is ``recording.record`` alone: the use
case with no HTTP, no session, no page. Printed: p50 and p99 of each, and the
ratio of the form's p50 to the floor's.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PG_DEFAULT, on_each_store, scheduled  # noqa: E402

from qaf.demo.synthetic import make_council  # noqa: E402
from qaf.engine.outcomes import Recording  # noqa: E402
from qaf.engine.query import Filters  # noqa: E402
from qaf.rules import bundled  # noqa: E402
from qaf.rules.loader import load_framework  # noqa: E402
from qaf.usecases import recording, signin  # noqa: E402

FIRST, LAST = date(2026, 4, 1), date(2027, 3, 31)
TODAY = date(2026, 6, 10)
NOW = datetime(2026, 6, 10, 9, tzinfo=timezone.utc)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(name: str, url: str, n: int) -> None:
    import warnings

    warnings.filterwarnings("ignore")
    from starlette.testclient import TestClient

    from qaf.web.api import create_app

    fw = load_framework(bundled.path("east-sussex-2013"))[0]
    org = make_council(1, "large")
    store = scheduled(url, fw, org, FIRST, LAST, TODAY)
    audits = [o for o in store.obligations(Filters(kind="audit", statuses=frozenset({"open"})))
              if o.case and o.assignee and o.period_start <= TODAY and o.row == "3.16"]  # fmt: skip
    by_manager: dict[str, list] = {}
    for o in audits:
        by_manager.setdefault(o.assignee, []).append(o)
    manager, mine = max(by_manager.items(), key=lambda kv: len(kv[1]))
    others = [o for o in audits if o.assignee != manager]
    mine = mine[1:]
    n = min(n, len(mine), len(others) - 2)
    person = org.person(manager)
    made = signin.request_link(store, person.email, NOW, TODAY)
    session = signin.use_link(store, made[1], NOW, TODAY)
    app = create_app(url, lambda: TODAY, base_url="https://qaf.example", now=lambda: NOW)
    client = TestClient(app, base_url="https://qaf.example", cookies={"qaf_session": session.token})
    print(f"{name}: {len(org.people)} people, {len(audits)} open 3.16 audits; {person.name} has {len(mine)}, {n} timed")

    client.get(f"/obligations/{mine[0].id}")  # warm: the first request builds what every later one reuses
    recording.record(store, Recording(others[-2].id, "good", by=others[-2].assignee), TODAY)
    pages, posts, floor = [], [], []
    for ob in mine[:n]:
        t = time.perf_counter()
        answer = client.get(f"/obligations/{ob.id}")
        pages.append(time.perf_counter() - t)
        assert answer.status_code == 200 and "Record the outcome" in answer.text, answer.status_code
        token = re.search(r'name="csrf" value="([^"]+)"', answer.text).group(1)
        data = {"csrf": token, "grade": "requires_improvement", "concerns": "yes", "notes": "bench",
                "action-1-what": "Update the plan", "action-1-when": "within 10 working days"}  # fmt: skip
        t = time.perf_counter()
        answer = client.post(f"/obligations/{ob.id}/outcome", data=data)
        posts.append(time.perf_counter() - t)
        assert answer.status_code == 200, answer.text[:500]
    from qaf.engine.actions import parse_action

    spec = parse_action("Update the plan | within 10 working days")[0]
    for ob in others[:n]:
        t = time.perf_counter()
        recording.record(store, Recording(ob.id, "requires_improvement", True, (), ob.assignee, None, "bench", (spec,)), TODAY)
        floor.append(time.perf_counter() - t)
    ms = lambda xs, p: f"{percentile(xs, p) * 1000:7.1f} ms"  # noqa: E731
    print(f"  GET  page        p50 {ms(pages, 50)}  p99 {ms(pages, 99)}")
    print(f"  POST outcome     p50 {ms(posts, 50)}  p99 {ms(posts, 99)}")
    print(f"  floor: record()  p50 {ms(floor, 50)}  p99 {ms(floor, 99)}")
    print(f"  the form's p50 is {statistics.median(posts) / statistics.median(floor):.2f}x the use case's alone")
    app.state.store.close()
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--pg", default=PG_DEFAULT)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    on_each_store(args.only, args.pg, lambda name, url: run(name, url, args.n))


if __name__ == "__main__":
    main()
