"""The demo's document vault: a few papers (generated, fictitious) in the files of the demo social
worker, one about to expire; added once (a household that has papers is left as it is)."""

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from parcours.accounts.models import User
from parcours.documents import services
from parcours.documents.models import Document
from parcours.households.models import Household

FILES = 6


def _pdf(title: str) -> bytes:
    text = f"(Document fictif de démonstration : {title}) Tj".encode("latin-1", "replace")
    stream = b"BT /F1 14 Tf 40 780 Td " + text + b" ET"
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
        b"4 0 obj<</Length " + str(len(stream)).encode() + b">>stream\n" + stream + b"\nendstream endobj\n"
        b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _photo(title: str) -> bytes:
    image = Image.new("RGB", (640, 400), (236, 240, 232))
    ImageDraw.Draw(image).text((30, 180), f"Document fictif : {title}", fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def seed(rng: random.Random) -> None:
    worker = User.objects.filter(username="travailleuse").first()
    if worker is None:
        return
    worker.active_membership = worker.memberships.filter(role="social_worker").first()
    if worker.active_membership is None:
        return
    today = timezone.localdate()
    households = Household.objects.alive().filter(referent=worker, protected=False).order_by("pk")[:FILES]
    for n, household in enumerate(households):
        if Document.objects.filter(household=household).exists():
            continue
        head = household.head
        papers = [
            ("tax_notice", _pdf("avis d'imposition"), "avis.pdf", None),
            (
                "residence_permit" if n % 2 else "identity",
                _photo("titre de séjour" if n % 2 else "carte d'identité"),
                "photo.jpg",
                today + dt.timedelta(days=20 if n == 0 else rng.randint(60, 700)),
            ),
        ]
        for kind, content, name, expires_on in papers:
            services.upload(
                household=household,
                uploaded=SimpleUploadedFile(name, content),
                details=services.Details(
                    kind=kind, expires_on=expires_on, person_id=head.pk if head else None
                ),
                actor=worker,
            )
