"""Payload lines: the fast encoder writes exactly what the standard library would."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from renderers.model import RenderedEmail, encode_json, reference_json


@given(text=st.text(), headers=st.dictionaries(st.text(), st.text(), max_size=3))
def test_payload_encoding_matches_the_standard_library(text, headers):
    email = RenderedEmail(
        to="a@example.org",
        subject=text,
        preheader=text,
        html=f"<p>{text}</p>",
        text=text,
        campaign="c",
        variant="v",
        template="t",
        template_version="0" * 16,
        person_id="p",
        segment_reason=None,
        consent_snapshot_id="s",
        run_id="r",
        unsubscribe_url="https://u",
        headers=headers,
    )
    line = email.to_json_bytes()
    assert line == reference_json(json.loads(line))
    assert b"\n" not in line
    assert json.loads(email.to_json_line())["text"] == text
    assert encode_json is not None
