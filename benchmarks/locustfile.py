"""Locust users for ``benchmarks/web_load.py``: a program manager who logs in and keeps
reading the national dashboard, a district's page and its work list."""

from __future__ import annotations

import os
import re

from locust import HttpUser, between, task

DISTRICT = os.environ.get("LOAD_DISTRICT", "050101")


class Manager(HttpUser):
    wait_time = between(1, 3)  # a person reading a page, not a loop

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="login")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post(
            "/accounts/login/",
            {
                "username": os.environ["LOAD_USER"],
                "password": os.environ["LOAD_PASSWORD"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
        )

    @task
    def national_dashboard(self) -> None:
        self.client.get("/", name="national dashboard")

    @task
    def district_page(self) -> None:
        self.client.get(f"/territory/{DISTRICT}/", name="district page")

    @task
    def work_list(self) -> None:
        self.client.get(f"/work-list/?code={DISTRICT}", name="work list")
