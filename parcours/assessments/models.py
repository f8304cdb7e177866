"""The shared assessment grid (trame d'évaluation partagée) as versioned data, and households' assessments."""

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .levels import Level

__all__ = [
    "Assessment",
    "AssessmentAnswer",
    "AssessmentDraft",
    "AssessmentGrid",
    "FieldType",
    "GridItem",
    "GridSection",
    "ImmutableRowError",
    "ItemKind",
    "Level",
    "Perspective",
]


class ItemKind(models.TextChoices):
    RATED = "rated", _("Évalué par un niveau et un commentaire")
    STRUCTURED = "structured", _("Renseigné par des champs structurés")


class FieldType(models.TextChoices):
    """Types of a structured field; `departement` holds a COG code ("93"), `money` a decimal in euros."""

    TEXT = "text", _("Texte")
    MONEY = "money", _("Montant en euros")
    CHOICE = "choice", _("Choix dans une liste")
    BOOLEAN = "boolean", _("Oui / non")
    DATE = "date", _("Date")
    DEPARTEMENT = "departement", _("Département")


class AssessmentGridQuerySet(models.QuerySet):
    def with_content(self):
        """Sections and items in order, in three queries whatever the size of the grid."""
        return self.prefetch_related(
            Prefetch("sections", queryset=GridSection.objects.order_by("position")),
            Prefetch("sections__items", queryset=GridItem.objects.order_by("position")),
        )

    def current(self):
        """The grid new assessments use: the highest published version, or None."""
        return self.order_by("-version").first()


class AssessmentGrid(models.Model):
    """One published version of the grid. Never edited: a change is a new version (see grids.py)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("titre"), max_length=200)
    source = models.TextField(_("source"))
    published_at = models.DateTimeField(_("publiée le"), default=timezone.now, editable=False)

    objects = AssessmentGridQuerySet.as_manager()

    class Meta:
        verbose_name = _("trame d'évaluation")
        verbose_name_plural = _("trames d'évaluation")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="assessment_grid_version_positive"),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    @cached_property
    def layout(self) -> tuple:
        """The sections in order, each with its items in order: `((section, (item, …)), …)`, from the
        prefetched sections and items (with_content), found once per grid object. The pages hold one
        grid object per process (core.cache.kept, never edited): a page no longer builds the related
        managers' querysets (`sections.all()`, then `items.all()` per section) at each request, three
        times over (issue 18)."""
        return tuple((section, tuple(section.items.all())) for section in self.sections.all())

    @cached_property
    def items_by_pk(self) -> dict:
        """The grid's items by id (`layout`'s), found once per grid object. Read only."""
        return {item.pk: item for _section, items in self.layout for item in items}


class GridSection(models.Model):
    """A section of the grid ("Pouvoir louer"…). `fields` are answered once for the whole section."""

    grid = models.ForeignKey(
        AssessmentGrid, on_delete=models.PROTECT, related_name="sections", verbose_name=_("trame")
    )
    code = models.CharField(_("code"), max_length=10)
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("intitulé"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    fields = models.JSONField(_("champs structurés"), default=list, blank=True)

    class Meta:
        verbose_name = _("section de la trame")
        verbose_name_plural = _("sections de la trame")
        ordering = ["grid", "position"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "code"], name="grid_section_unique_code"),
            models.UniqueConstraint(fields=["grid", "position"], name="grid_section_unique_position"),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"


class GridItem(models.Model):
    """An item of a section: rated (level + comment) or structured (the fields described by `fields`)."""

    section = models.ForeignKey(
        GridSection, on_delete=models.PROTECT, related_name="items", verbose_name=_("section")
    )
    code = models.CharField(_("code"), max_length=10)
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.TextField(_("libellé"))
    kind = models.CharField(_("nature"), max_length=16, choices=ItemKind.choices, default=ItemKind.RATED)
    fields = models.JSONField(_("champs structurés"), default=list, blank=True)

    class Meta:
        verbose_name = _("élément de la trame")
        verbose_name_plural = _("éléments de la trame")
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="grid_item_unique_code"),
            models.UniqueConstraint(fields=["section", "position"], name="grid_item_unique_position"),
            models.CheckConstraint(condition=Q(kind__in=ItemKind.values), name="grid_item_known_kind"),
        ]

    def __str__(self):
        return f"{self.code} {self.label[:60]}"


class Perspective(models.TextChoices):
    """Whose view an assessment records (co-evaluation): each perspective has its own versions."""

    WORKER = "worker", _("Travailleur·se social·e")
    PERSON = "person", _("Personne accompagnée")
    LANDLORD = "landlord", _("Bailleur")


class ImmutableRowError(Exception):
    """An assessment or an answer is never edited: a change is a new version (assessment_save)."""


class AssessmentQuerySet(models.QuerySet):
    def with_answers(self, items: bool = True):
        """Authors and answers (with their items) in two queries whatever the number of versions.
        `items=False`: see answers_prefetch."""
        return self.select_related("author", "author_organization", "grid").prefetch_related(
            answers_prefetch(items)
        )

    def with_neighbours(self):
        """`previous_pk` and `next_pk`: the versions numbered one before and one after, of the same
        household and perspective (None when there is none), in the assessment's own query."""
        return self.annotate(**_neighbours())


def answers_prefetch(items: bool = True) -> Prefetch:
    """The answers of assessments, in the grid's order, each with its item and the item's section.

    `items=False`: the answers alone, without joining and building their item and section, nor
    ordering them: for a page that holds the version's grid already (assessments.views._grid, from the
    cache) and hands each answer the grid's own item (views._attach_items), instead of compiling the
    joins and building an item and a section per answer (issue 18)."""
    if not items:
        return Prefetch("answers", queryset=AssessmentAnswer.objects.order_by())
    return Prefetch(
        "answers",
        queryset=AssessmentAnswer.objects.select_related("item__section").order_by(
            "item__section__position", "item__position"
        ),
    )


def _neighbours() -> dict:
    """The subqueries of with_neighbours, built once: an expression is a template that each query
    resolves into its own copy (as households.timeline's path_presence)."""
    if not _NEIGHBOURS:

        def version(offset: int):
            return Subquery(
                Assessment.objects.filter(
                    household=OuterRef("household"),
                    perspective=OuterRef("perspective"),
                    number=OuterRef("number") + offset,
                )
                .order_by()
                .values("pk")[:1]
            )

        _NEIGHBOURS.update(previous_pk=version(-1), next_pk=version(1))
    return dict(_NEIGHBOURS)


_NEIGHBOURS: dict = {}


class Assessment(models.Model):
    """One version of one perspective's assessment of a household (diagnostic social partagé).

    Never edited: every save is a new version numbered 1, 2, 3… per household and perspective, so the
    whole history of each view stays readable. The levels describe support needs; no score is ever
    computed from them (the grid's items "ne constituent pas des conditions à remplir").
    """

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="assessments", verbose_name=_("ménage")
    )
    grid = models.ForeignKey(
        AssessmentGrid, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("trame")
    )
    perspective = models.CharField(_("point de vue"), max_length=10, choices=Perspective.choices)
    number = models.PositiveIntegerField(_("version"))
    # The staff member who saved it; none when the person wrote it themselves from « Mon espace »
    # (`by_person`): the worker who opened their access did not write it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("auteur·rice"),
    )
    by_person = models.BooleanField(_("écrite par la personne"), default=False, editable=False)
    # The organization the version belongs to: the author's, or the one that opened the person's access.
    author_organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now, editable=False)
    recommendations = models.TextField(_("préconisations d'accompagnement"), blank=True)
    # Section-level structured fields, by section code then field code: {"5": {"referent_name": "…"}}.
    section_answers = models.JSONField(_("réponses par section"), default=dict, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("évaluation partagée")
        verbose_name_plural = _("évaluations partagées")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "perspective", "number"], name="assessment_unique_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="assessment_number_positive"),
            models.CheckConstraint(
                condition=Q(perspective__in=Perspective.values), name="assessment_known_perspective"
            ),
            # A staff author, or the person themselves on their own perspective: never both, never none.
            models.CheckConstraint(
                condition=Q(by_person=False, author__isnull=False)
                | Q(by_person=True, author__isnull=True, perspective="person"),
                name="assessment_author_or_person",
            ),
        ]

    def __str__(self):
        return f"{self.get_perspective_display()} — version {self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRowError("An assessment is never edited: save a new version.")
        super().save(*args, **kwargs)

    @property
    def author_label(self) -> str:
        """Who wrote this version, as the staff pages say it: « la personne » or the author's name."""
        if self.by_person:
            return _("la personne")
        return self.author.get_full_name() or self.author.username

    def answers_by_item(self) -> dict[str, "AssessmentAnswer"]:
        """Answers keyed by item code (uses the prefetched answers when there are some)."""
        return {answer.item.code: answer for answer in self.answers.all()}


class AssessmentAnswer(models.Model):
    """One item of one version: a level and a comment, or the values of a structured item."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="answers", verbose_name=_("évaluation")
    )
    item = models.ForeignKey(GridItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("élément"))
    level = models.CharField(_("niveau"), max_length=16, choices=Level.choices, default=Level.NOT_ASSESSED)
    comment = models.TextField(_("commentaire"), blank=True)
    # Structured items only, by field code: money as a decimal string, dates as YYYY-MM-DD.
    values = models.JSONField(_("valeurs"), default=dict, blank=True)

    class Meta:
        verbose_name = _("réponse à un élément")
        verbose_name_plural = _("réponses aux éléments")
        ordering = ["assessment", "item__section__position", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="assessment_answer_unique_item"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="assessment_answer_known_level"),
        ]

    def __str__(self):
        return f"{self.item.code}: {self.get_level_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRowError("An answer is never edited: save a new version of the assessment.")
        super().save(*args, **kwargs)


class AssessmentDraftQuerySet(models.QuerySet):
    def of(self, user, household, perspective: str):
        """The user's own draft of this perspective for this household (a draft is its author's alone)."""
        return self.filter(household=household, perspective=perspective, author=user)


class AssessmentDraft(models.Model):
    """A new version being typed, saved automatically on the server while the worker types (never in
    the browser: shared computers). Its author's alone: no one else reads it, no partner sees it, the
    fiche de liaison and the API ignore it. Saving the version deletes it. `version` detects two tabs
    writing over each other (core.versioning); `based_on` is the number of the version the author read
    when starting, checked again when the version is saved."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="+", verbose_name=_("ménage")
    )
    perspective = models.CharField(_("point de vue"), max_length=10, choices=Perspective.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("auteur·rice")
    )
    grid = models.ForeignKey(
        AssessmentGrid, on_delete=models.PROTECT, related_name="+", verbose_name=_("trame")
    )
    based_on = models.PositiveIntegerField(_("version lue"), default=0)
    # The form's fields as typed, by field name ("level_1_1", "comment_1_1"…): strings, unchecked.
    data = models.JSONField(_("saisie"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("version du brouillon"), default=1)
    created_at = models.DateTimeField(_("commencé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("enregistré le"), auto_now=True)

    objects = AssessmentDraftQuerySet.as_manager()

    class Meta:
        verbose_name = _("brouillon d'évaluation")
        verbose_name_plural = _("brouillons d'évaluation")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "perspective", "author"], name="assessment_draft_one_per_author"
            ),
            models.CheckConstraint(
                condition=Q(perspective__in=Perspective.values), name="assessment_draft_known_perspective"
            ),
        ]

    def __str__(self):
        return f"{self.get_perspective_display()} — brouillon"
