"""A community monitoring center (CPVC: Centro de Promoción y Vigilancia Comunal, incentives.md)
with the populated centers it watches over, its agents and committee; its monthly meetings
(attendees by role, decisions with who and by when, and their follow-up at a later meeting);
and the home visits of community agents and social actors to children and pregnant women.

A center is placed like a child (district, its seat's populated center, its health facility),
so the access policy's condition on a child's place fields selects centers too. A visit is
seen by whoever sees its child or its woman."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crecer.access.scoped import PlacedQuerySet
from crecer.ingest.models import ImportRun
from crecer.maternal.models import Woman
from crecer.registry.models import Child
from crecer.territory.models import District, PopulatedCenter


class MonitoringCenter(models.Model):
    name = models.CharField(_("name"), max_length=200)
    district = models.ForeignKey(District, on_delete=models.PROTECT, verbose_name=_("district"))
    # The populated center where the center meets (its seat); it may watch over others too.
    populated_center = models.ForeignKey(
        PopulatedCenter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seat (populated center)"),
    )
    covers = models.ManyToManyField(
        PopulatedCenter,
        related_name="monitoring_centers",
        verbose_name=_("populated centers covered"),
    )
    municipality = models.CharField(_("municipality"), max_length=200, blank=True)
    # The health facility it meets with, as on a child's record (RENIPRESS code or name).
    care_facility = models.CharField(_("health facility"), max_length=255, blank=True)
    assigned_facility = models.CharField(_("second health facility"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = PlacedQuerySet.as_manager()

    class Meta:
        ordering = ["district_id", "name", "id"]
        verbose_name = _("community monitoring center")
        verbose_name_plural = _("community monitoring centers")

    def __str__(self) -> str:
        return self.name

    def center_codes(self) -> list[str]:
        """The codes of the populated centers it covers (its seat among them)."""
        codes = set(self.covers.values_list("code", flat=True))
        if self.populated_center_id:
            codes.add(self.populated_center_id)
        return sorted(codes)


class PersonRole(models.TextChoices):
    COMMUNITY_AGENT = "agent", _("community health agent")
    SOCIAL_ACTOR = "social_actor", _("social actor")
    FACILITATOR = "facilitator", _("Cuna Más facilitator")
    PRESIDENT = "president", _("committee president")
    SECRETARY = "secretary", _("committee secretary")
    TREASURER = "treasurer", _("committee treasurer")
    COMMITTEE = "committee", _("committee member")

    @classmethod
    def committee(cls) -> set[str]:
        return {cls.PRESIDENT, cls.SECRETARY, cls.TREASURER, cls.COMMITTEE}


class CenterPerson(models.Model):
    """A community agent, social actor or committee member of a center."""

    center = models.ForeignKey(
        MonitoringCenter, on_delete=models.CASCADE, related_name="people", verbose_name=_("center")
    )
    name = models.CharField(_("name"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=12, blank=True)
    role = models.CharField(_("role"), max_length=12, choices=PersonRole.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        ordering = ["center_id", "role", "name", "id"]
        verbose_name = _("center person")
        verbose_name_plural = _("center people")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class Meeting(models.Model):
    """A monthly decision meeting of a center with the health post and the municipality."""

    center = models.ForeignKey(
        MonitoringCenter,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("center"),
    )
    date = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["center", "date"], name="one_meeting_per_center_day")
        ]

    def __str__(self) -> str:
        return f"{self.center_id} {self.date}"

    def previous(self) -> Meeting | None:
        return (
            Meeting.objects.filter(center_id=self.center_id, date__lt=self.date)
            .order_by("-date", "-id")
            .first()
        )


class AttendeeRole(models.TextChoices):
    MOTHERS = "mothers", _("mothers and fathers")
    AGENTS = "agents", _("community agents")
    HEALTH = "health", _("health staff")
    MUNICIPALITY = "municipality", _("municipality")
    COMMITTEE = "committee", _("committee")
    OTHER = "other", _("others")


class Attendance(models.Model):
    """How many came in one role, with their names where written."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting")
    )
    role = models.CharField(_("role"), max_length=12, choices=AttendeeRole.choices)
    count = models.PositiveSmallIntegerField(_("people"))
    names = models.CharField(_("names"), max_length=500, blank=True)

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        ordering = ["meeting_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "role"], name="one_count_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.count}"


class DecisionState(models.TextChoices):
    OPEN = "open", _("pending")
    DONE = "done", _("done")
    NOT_DONE = "not_done", _("not done")


class Decision(models.Model):
    """What a meeting decided, who does it and by when; its follow-up is recorded at a later
    meeting (``followed_at``), done or not done, with a note. A decision not done is carried
    to the next meeting again as a new decision (``carried_from``), never edited away."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("meeting")
    )
    what = models.CharField(_("what"), max_length=500)
    who = models.CharField(_("who"), max_length=200)
    by_when = models.DateField(_("by when"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=DecisionState.choices, default=DecisionState.OPEN
    )
    followed_at = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("followed up at"),
    )
    follow_up = models.CharField(_("follow-up"), max_length=500, blank=True)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("carried from"),
    )

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.what


class VisitType(models.TextChoices):
    PIM = "pim", _("home visit (PIM, anemia)")
    HEALTHY_FAMILY = "family", _("healthy-family counselling (PAN)")
    CUNA_MAS = "cuna_mas", _("Cuna Más family support (SAF)")
    OTHER = "other", _("other home visit")


class VisitChannel(models.TextChoices):
    HOME = "home", _("at home")
    CALL = "call", _("phone call")


class VisitResult(models.TextChoices):
    FOUND = "found", _("found")
    NOT_FOUND = "not_found", _("not found")
    REFUSED = "refused", _("refused")


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> VisitQuerySet:
        """Visits of the children and women ``user`` may see."""
        return self.filter(
            Q(child__in=Child.objects.visible_to(user).values("pk"))
            | Q(woman__in=Woman.objects.visible_to(user).values("pk"))
        )


def _practice(label: str) -> models.BooleanField:
    # None: not observed (or not asked); a practice is only true or false when seen.
    return models.BooleanField(label, null=True, blank=True)


class HomeVisit(models.Model):
    """A home visit (or a follow-up call) by a community agent, social actor or Cuna Más
    facilitator to a child or a pregnant woman, with what was observed."""

    child = models.ForeignKey(
        Child,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="home_visits",
        verbose_name=_("child"),
    )
    woman = models.ForeignKey(
        Woman,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="home_visits",
        verbose_name=_("pregnant woman"),
    )
    center = models.ForeignKey(
        MonitoringCenter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("center"),
    )
    agent = models.ForeignKey(
        CenterPerson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("agent"),
    )
    agent_name = models.CharField(_("agent (as written)"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    visit_type = models.CharField(
        _("type"), max_length=8, choices=VisitType.choices, default=VisitType.PIM
    )
    channel = models.CharField(
        _("channel"), max_length=4, choices=VisitChannel.choices, default=VisitChannel.HOME
    )
    stage = models.CharField(_("stage"), max_length=60, blank=True)
    result = models.CharField(_("result"), max_length=9, choices=VisitResult.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True
    )
    exclusive_breastfeeding = _practice(_("exclusive breastfeeding"))
    iron_or_mmn = _practice(_("iron or micronutrients taken"))
    hand_washing = _practice(_("hand washing"))
    safe_water = _practice(_("safe water"))
    danger_signs = _practice(_("danger signs"))
    referred = models.BooleanField(_("referred to the facility"), default=False)
    # As the visit application exports them (incentives.md, "Home-visit app export"); its
    # External ID names the child in the application, not the visit.
    external_id = models.CharField(_("application id"), max_length=64, blank=True)
    app_status = models.CharField(_("status in the application"), max_length=60, blank=True)
    limit_reason = models.CharField(_("limit exceeded (application)"), max_length=255, blank=True)
    sampled = models.BooleanField(_("chosen for the monitors' sample"), null=True, blank=True)
    device = models.CharField(_("device"), max_length=100, blank=True)
    # The id the offline page made on the device for this visit: it is stored once however
    # many times the device sends it.
    device_id = models.CharField(_("id made on the device"), max_length=64, blank=True)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("import")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        constraints = [
            models.CheckConstraint(
                condition=Q(child__isnull=False) | Q(woman__isnull=False),
                name="visit_names_a_person",
            ),
            models.UniqueConstraint(
                fields=["device_id"], condition=~Q(device_id=""), name="one_visit_per_device_id"
            ),
        ]
        indexes = [models.Index(fields=["child", "date"]), models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.child_id or self.woman_id}"


class DayCareCenter(models.Model):
    """A Cuna Más day-care center (CIAI, Servicio de Cuidado Diurno, cuna_mas.md), placed like
    a child, run with its management committee."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("center code"), max_length=20, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, verbose_name=_("district"))
    populated_center = models.ForeignKey(
        PopulatedCenter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("populated center"),
    )
    committee = models.CharField(_("management committee"), max_length=200, blank=True)
    care_facility = models.CharField(_("health facility"), max_length=255, blank=True)
    assigned_facility = models.CharField(_("second health facility"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = PlacedQuerySet.as_manager()

    class Meta:
        ordering = ["district_id", "name", "id"]
        verbose_name = _("Cuna Más day-care center")
        verbose_name_plural = _("Cuna Más day-care centers")

    def __str__(self) -> str:
        return self.name


class Enrollment(models.Model):
    """A child enrolled in a day-care center from a day (until ``left_on``, when it left)."""

    center = models.ForeignKey(
        DayCareCenter,
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("day-care center"),
    )
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="daycare_enrollments", verbose_name=_("child")
    )
    enrolled_on = models.DateField(_("enrolled on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        ordering = ["center_id", "enrolled_on", "id"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["center", "child", "enrolled_on"], name="one_enrollment_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} @ {self.center_id}"


class DayAttendance(models.Model):
    """Whether an enrolled child came on a day, and how many of the day's meals it had."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="days", verbose_name=_("enrollment")
    )
    date = models.DateField(_("date"))
    present = models.BooleanField(_("present"))
    meals = models.PositiveSmallIntegerField(_("meals served"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(cascade_delete_history=False)

    class Meta:
        ordering = ["date", "enrollment_id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "date"], name="one_attendance_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.date}"
