"""The security administrator's view of the imported FIDO metadata: which BLOB, how fresh, which models it refuses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from hub.auth import key_metadata
from hub.auth.key_models import approved_models
from hub.auth.models import KeyModelMetadata
from hub.http.keys import SETTINGS
from hub.http.views import Call, Permission, Routes
from hub.i18n import N_

routes = Routes()
SEE_METADATA = Permission("read", "key_metadata", key=None)

POLICY_WORDS = {
    "required": N_("Required: a model without imported metadata is refused at enrolment."),
    "if_present": N_(
        "Checked when present: a model without imported metadata still enrols on its approved model number and "
        "certificate alone. Production imports the metadata and sets HUB_SECURITY_KEY_METADATA=required."
    ),
}


@routes.get(
    "/security-keys/metadata", permission=SEE_METADATA, template="auth/key_metadata.html",
    summary="The imported FIDO metadata of key models (the security administrator).",
)  # fmt: skip
async def metadata_page(call: Call[None]) -> dict[str, Any]:
    settings = call.app[SETTINGS]
    seen = await key_metadata.overview(call.db, call.now.date())
    approved = approved_models(settings.security_key_aaguids, demo=settings.demo)
    covered = 0
    if approved:
        covered = int(await call.db.scalar(select(func.count()).where(KeyModelMetadata.aaguid.in_(sorted(approved)))) or 0)
    return {
        "seen": seen,
        "approved": len(approved),
        "covered": covered,
        "policy": POLICY_WORDS[settings.security_key_metadata],
        "labels": key_metadata.STATUS_LABELS,
    }
