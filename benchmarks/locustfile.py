"""Locust users for ``benchmarks/web_load.py``: program managers reading dashboards and a
district's work list, and health workers reading their facility's work list.

The measured window: every user first logs in (Argon2, slow on purpose) and then waits until all
``LOAD_USERS`` have; from then on each page's response time is recorded (raw, in ms) until
``LOAD_REQUESTS`` pages have been answered, when the test stops and the times are written as
JSON to ``LOAD_OUT``. Logins and the login page are never recorded.
"""

from __future__ import annotations

import json
import os
import re
import time

import gevent.event
from locust import HttpUser, between, events, task

DISTRICT = os.environ.get("LOAD_DISTRICT", "050101")
USERS = int(os.environ.get("LOAD_USERS", "50"))
REQUESTS = int(os.environ.get("LOAD_REQUESTS", "2000"))
OUT = os.environ.get("LOAD_OUT", "load_times.json")
UNMEASURED = {"login", "login page"}

everyone_in = gevent.event.Event()
logged_in = [0]
times: list[tuple[str, float, bool, float]] = []  # (page, ms, failed, when) in the window


@events.request.add_listener
def record(name, response_time, exception, response=None, **_kwargs) -> None:
    if not everyone_in.is_set() or name in UNMEASURED or len(times) >= REQUESTS:
        return
    failed = exception is not None or (
        response is not None
        # a page answered with the login form (a lost session) is no page
        and (response.status_code >= 400 or "/accounts/login/" in str(response.url))
    )
    times.append((name, response_time, failed, time.time()))
    if len(times) == REQUESTS:
        with open(OUT, "w") as out:
            json.dump(times, out)
        runner = _environment[0].runner
        if runner is not None:
            gevent.spawn(runner.quit)


_environment: list = []


@events.init.add_listener
def keep(environment, **_kwargs) -> None:
    _environment.append(environment)


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)  # a person reading a page, not a loop
    username = ""
    password_variable = ""

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post(
            "/accounts/login/",
            {
                "username": self.username,
                "password": os.environ[self.password_variable],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
        )
        logged_in[0] += 1
        if logged_in[0] >= USERS:
            everyone_in.set()
        everyone_in.wait()  # no page is read (or measured) while others still log in


class Manager(Person):
    username = "demo_manager"
    password_variable = "LOAD_MANAGER_PASSWORD"

    @task
    def national_dashboard(self) -> None:
        self.client.get("/", name="national dashboard")

    @task
    def district_page(self) -> None:
        self.client.get(f"/territory/{DISTRICT}/", name="district page")

    @task
    def district_work_list(self) -> None:
        self.client.get(f"/work-list/?code={DISTRICT}", name="district work list")


class HealthWorker(Person):
    username = "demo_health"
    password_variable = "LOAD_HEALTH_PASSWORD"

    @task(2)
    def facility_work_list(self) -> None:
        self.client.get("/work-list/", name="facility work list")

    @task
    def next_page(self) -> None:
        self.client.get("/work-list/?page=2", name="facility work list, page 2")
