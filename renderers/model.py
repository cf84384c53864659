"""What the renderers hand on: one rendered email per planned send."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class RenderedEmail:
    """One email ready to send: the MIME parts, the headers and where it came from (for audits)."""

    to: str
    subject: str
    preheader: str
    html: str
    text: str
    campaign: str
    variant: str
    template: str
    template_version: str  # hash of every template source the email was rendered from
    person_id: str
    segment_reason: str | None
    consent_snapshot_id: str
    run_id: str
    unsubscribe_url: str
    headers: dict[str, str]  # List-Unsubscribe, List-Unsubscribe-Post (RFC 8058)

    def to_json_line(self) -> str:
        """One JSON object on one line (no newline at the end); non-ASCII text stays as UTF-8."""
        # Not dataclasses.asdict: it deep-copies every field, which costs more than the encoding itself.
        return _ENCODER.encode({name: getattr(self, name) for name in _FIELD_NAMES})


_FIELD_NAMES = tuple(f.name for f in fields(RenderedEmail))
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
