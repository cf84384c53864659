"""What the renderers hand on: one rendered email per planned send."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Product:
    """One recommended product (a complete payload_inputs slot) as templates see it: ``product.name``."""

    id: str | None
    name: str
    price: Decimal
    url: str
    image_url: str | None  # a catalog product may lack a picture


PRODUCT_FIELDS = frozenset(f.name for f in fields(Product))


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
        """One JSON object on one line (no newline at the end); non-ASCII text stays as it is."""
        return self.to_json_bytes().decode("utf-8")

    def to_json_bytes(self) -> bytes:
        """:meth:`to_json_line` encoded as UTF-8: what a payload shard holds, one per line."""
        # Not dataclasses.asdict: it deep-copies every field, which costs more than the encoding itself.
        return encode_json({name: getattr(self, name) for name in _FIELD_NAMES})


_FIELD_NAMES = tuple(f.name for f in fields(RenderedEmail))

_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def reference_json(document: dict) -> bytes:
    """The standard library's encoding: what the payload lines are, whichever encoder wrote them."""
    return _JSON_ENCODER.encode(document).encode("utf-8")


try:  # orjson encodes a payload ~7x faster, byte for byte like reference_json (tests/renderers/test_model.py)
    import orjson

    encode_json = orjson.dumps
except ImportError:  # pragma: no cover - orjson comes with dagster-dbt
    encode_json = reference_json
