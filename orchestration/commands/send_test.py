"""``tailor send-test``: deliver one person's rendered email to a test address over SMTP."""

from __future__ import annotations

import argparse
import sys

from orchestration.settings import DBT_MANIFEST, Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "send-test",
        help="send a person's rendered email to a test address (never to the person) over SMTP",
        description="The SMTP server, sender and login come from TAILOR_SMTP_* and TAILOR_MAIL_FROM.",
    )
    parser.add_argument("--person", required=True, help="person_id whose email to render")
    parser.add_argument("--campaign", help="campaign (default: the person's planned one)")
    parser.add_argument("--variant", help="variant (default: the planned one, else the campaign's first)")
    parser.add_argument("--to", required=True, help="the one address to send to")
    parser.set_defaults(func=run_send_test)


def run_send_test(args: argparse.Namespace, settings: Settings) -> int:
    from renderers.campaign_meta import CampaignMetaError
    from renderers.delivery import DeliveryError, build_message, send, without_real_unsubscribe
    from renderers.preview import PreviewError
    from renderers.preview_source import render_person_email
    from renderers.render import Renderer, RenderError

    server = settings.email
    where = f"{server.smtp_host}:{server.smtp_port} ({server.smtp_security})"
    try:
        email, preview = render_person_email(
            settings.duckdb_path,
            DBT_MANIFEST,
            Renderer(server),
            args.person,
            campaign=args.campaign,
            variant=args.variant,
        )
        email = without_real_unsubscribe(email)
        message = build_message(email, server.sender, args.to)
        send(message, server)
    except (PreviewError, CampaignMetaError, RenderError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except DeliveryError as error:
        print(f"error: {error}", file=sys.stderr)
        print("  (SMTP settings: TAILOR_SMTP_HOST, _PORT, _SECURITY, _USER, _PASSWORD)", file=sys.stderr)
        return 1
    print(f"sent {email.campaign} / {email.variant} for {email.person_id} to {args.to} via {where}")
    print(f"  subject: {email.subject}")
    print(f"  message-id: {message['Message-ID']}")
    if preview.note:
        print(f"  note: {preview.note}")
    return 0
