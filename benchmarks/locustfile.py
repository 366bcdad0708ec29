"""Locust users for ``benchmarks/web_load.py``: program managers reading dashboards and a
district's work list, and health workers reading their facility's work list."""

from __future__ import annotations

import os
import re

from locust import HttpUser, between, task

DISTRICT = os.environ.get("LOAD_DISTRICT", "050101")


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
        self.client.get("/work-list/?page=2", name="facility work list")
