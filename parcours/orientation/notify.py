"""Who is told about a household's request: its referent, or the social workers of its referent
organization — the people who hold the whole file anyway (design §5, rule 1), and nobody else."""


def referent_emails(household) -> list[str]:
    from parcours.accounts.models import Membership
    from parcours.accounts.roles import Role

    referent = household.referent
    if referent is not None and referent.email and referent.is_active:
        return [referent.email]
    return sorted(
        set(
            Membership.objects.filter(
                organization_id=household.referent_organization_id,
                role=Role.SOCIAL_WORKER,
                active=True,
                user__is_active=True,
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
