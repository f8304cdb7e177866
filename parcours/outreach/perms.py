"""Who may do what in street outreach. Each function says who may, and why.

A team (maraude, équipe mobile, accueil de jour) is made of social workers of one organisation: they
record encounters and rounds for their team, and link an encounter to a household file only when
their role already lets them open it (households.perms). The SIAO of a département (its call
handlers and coordinators) sees every encounter and signalement of its département and triages the
signalements. Observers and administrators see the figures only (the observatory).
"""

from parcours.accounts.perms import active_membership
from parcours.households import perms as household_perms

from .querysets import siao_territory_id, team_ids


def is_outreach_member(user) -> bool:
    """A social worker whose active membership belongs to an active team."""
    return bool(team_ids(user))


def can_use_outreach(user) -> bool:
    """The outreach pages: team members and the SIAO of a département."""
    return is_outreach_member(user) or siao_territory_id(user) is not None


def can_record_encounter(user, team=None) -> bool:
    """A member of the team (of any of their teams when none is named yet)."""
    teams = team_ids(user)
    return bool(teams) if team is None else team.pk in teams


def can_link_household(user, household) -> bool:
    """An encounter names a household only if the recorder may open its file (design §5)."""
    return household_perms.can_view_household(user, household)


def can_view_encounter(user, encounter) -> bool:
    """Its team; the SIAO of its département."""
    return encounter.team_id in team_ids(user) or (
        encounter.territory_id is not None and encounter.territory_id == siao_territory_id(user)
    )


def can_request_115(user, encounter) -> bool:
    """Turn an encounter into a 115 request for tonight: a member of its team, or the SIAO of its
    département (its 115), once only, and only for a household the user may open."""
    if encounter.emergency_request_id is not None or not can_view_encounter(user, encounter):
        return False
    return encounter.household is None or can_link_household(user, encounter.household)


def can_manage_round(user, round_) -> bool:
    """Open, close and write the summary of a round: a member of its team."""
    return round_.team_id in team_ids(user)


def can_open_round(user, team) -> bool:
    return team.pk in team_ids(user)


def can_manage_team(user, team=None) -> bool:
    """Create a team and choose its members: the network's administrators, or the SIAO coordinators of
    the team's département (the SIAO organises the aller-vers of its territory)."""
    from parcours.accounts.perms import is_network_admin

    if is_network_admin(user):
        return True
    territory = siao_territory_id(user)
    return territory is not None and (team is None or team.organization.territory_id == territory)


def can_triage_reports(user, report=None) -> bool:
    """The SIAO of the signalement's département triages it to a team and a round, or closes it."""
    territory = siao_territory_id(user)
    return territory is not None and (report is None or report.territory_id == territory)


def can_handle_report(user, report) -> bool:
    """The team it was given to says it went (handled); the SIAO may say so too."""
    return (report.team_id is not None and report.team_id in team_ids(user)) or can_triage_reports(
        user, report
    )


def can_view_figures(user) -> bool:
    """Round summaries in figures: whoever uses outreach (observers read the observatory)."""
    return active_membership(user) is not None and can_use_outreach(user)
