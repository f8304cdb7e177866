"""The sections of "Mon espace" that the portal shows itself: the household, the referent, the
consents, who read the file and the sign-ins (the domains add theirs from their own portal.py)."""

from django.utils.translation import gettext_lazy as _

from . import reads, sections


@sections.register(
    key="household",
    title=_("Mon foyer"),
    template="portal/sections/household.html",
    order=10,
    export=reads.household,
)
def household_section(access):
    return reads.household(access)


@sections.register(
    key="referent",
    title=_("Ma personne référente"),
    template="portal/sections/referent.html",
    order=20,
    export=reads.referent,
)
def referent_section(access):
    return reads.referent(access)


@sections.register(
    key="consents",
    title=_("Mes accords de partage"),
    template="portal/sections/consents.html",
    order=60,
    export=reads.consents,
)
def consents_section(access):
    return {"consents": reads.consents(access)}


@sections.register(
    key="access_log",
    title=_("Qui a lu mon dossier"),
    template="portal/sections/access_log.html",
    order=80,
    export=lambda access: reads.access_log(access, limit=None),
)
def access_log_section(access):
    return {"rows": reads.access_log(access, limit=20)}


@sections.register(
    key="sign_ins",
    title=_("Mes connexions"),
    template="portal/sections/sign_ins.html",
    order=90,
    export=lambda access: reads.sign_ins(access, limit=None),
)
def sign_ins_section(access):
    return {"rows": reads.sign_ins(access, limit=10)}
