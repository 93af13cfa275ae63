"""Locust users for `python -m eval.load`: asks and searches with no think time, every request kept.

Locust runs this file in its own process, because importing locust lets gevent patch the
interpreter. `eval.load` configures it through the environment:

    OFSTED_LOAD_QUESTIONS      a JSON file holding a list of questions (also used as search queries)
    OFSTED_LOAD_SAMPLES        where to write every request's timing as JSON when locust quits
    OFSTED_LOAD_ASK_WEIGHT     relative weight of POST /v1/ask (default 2)
    OFSTED_LOAD_SEARCH_WEIGHT  relative weight of POST /v1/search (default 1)
    OFSTED_LOAD_K              k of each search (default 10)
"""

from __future__ import annotations

import json
import os
import random
import time

from locust import FastHttpUser, constant, events, task


def _setting(name: str, default: str) -> str:
    return os.environ.get(f"OFSTED_LOAD_{name}", default)


@events.init.add_listener
def _record_every_request(environment, **_kwargs) -> None:
    # Locust's own statistics round times above 100 ms to two significant figures; the raw
    # timings let eval.load compute exact percentiles and split the run around the ingest.
    samples: list[list] = []
    window: dict[str, float | None] = {"started": None, "stopped": None}

    def on_request(name, response_time, response=None, exception=None, **_kw):
        status = getattr(response, "status_code", 0) or 0
        error = "" if exception is None else str(exception)[:300]
        samples.append([name, round(time.time() - response_time / 1000, 4), round(response_time, 3), status, error])

    def on_start(**_kw):
        window["started"] = time.time()

    def on_stop(**_kw):
        window["stopped"] = time.time()

    def on_quit(**_kw):
        path = os.environ.get("OFSTED_LOAD_SAMPLES")
        if path:
            with open(path, "w", encoding="utf-8") as f:
                json.dump({**window, "samples": samples}, f)

    def on_user_error(exception, **_kw):
        # an exception in a task, not a request's failure: counted as an error all the same
        samples.append(["user_error", round(time.time(), 4), 0.0, 0, repr(exception)[:300]])

    environment.events.request.add_listener(on_request)
    environment.events.user_error.add_listener(on_user_error)
    environment.events.test_start.add_listener(on_start)
    environment.events.test_stop.add_listener(on_stop)
    environment.events.quitting.add_listener(on_quit)


def _questions() -> list[str]:
    path = os.environ.get("OFSTED_LOAD_QUESTIONS")
    if not path:
        return ["What did inspectors say about the caseloads of personal advisers?"]
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class Reader(FastHttpUser):
    """One client that asks and searches back to back."""

    wait_time = constant(0)
    questions = _questions()
    k = int(_setting("K", "10"))

    def _post(self, kind: str, body: dict) -> None:
        with self.client.post(f"/v1/{kind}", json=body, name=kind, catch_response=True) as r:
            if not r.status_code:  # no response: locust keeps the exception on `error`
                r.failure(f"connection error: {getattr(r, 'error', None)!r}")
            elif not 200 <= r.status_code < 300:
                r.failure(f"HTTP {r.status_code}: {(r.text or '')[:200]}")
            else:
                try:
                    r.json()
                except ValueError:
                    r.failure(f"HTTP {r.status_code}: the body is not JSON")

    @task(int(_setting("ASK_WEIGHT", "2")))
    def ask(self) -> None:
        self._post("ask", {"question": random.choice(self.questions)})

    @task(int(_setting("SEARCH_WEIGHT", "1")))
    def search(self) -> None:
        self._post("search", {"query": random.choice(self.questions), "k": self.k})
