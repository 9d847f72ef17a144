"""QR codes for ticket receipts: a link to the public congestion page (segno, offline)."""

from __future__ import annotations

import io
from urllib.parse import quote, urlencode


def status_page_url(base_url: str, branch_id: str | None = None, language: str = "ja",
                    ticket_label: str | None = None) -> str:
    """The public page's address for a receipt, e.g. ``https://ward.example/madoguchi/?branch=honcho#honcho/A-007``.

    The ticket goes in the fragment: the phone's browser never sends it to any server; the
    published page (``madoguchi publish``) reads it and shows that ticket's place in line.
    """
    query = {k: v for k, v in (("branch", branch_id), ("lang", language if language != "ja" else None)) if v}
    base = base_url if base_url.endswith("/") else base_url + "/"
    url = base + ("?" + urlencode(query) if query else "")
    if ticket_label and branch_id:
        url += f"#{quote(branch_id)}/{quote(ticket_label)}"
    return url


def ticket_qr_svg(url: str, *, scale: int = 4, border: int = 2) -> str:
    """An SVG QR code (error correction M) for ``url``."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=scale, border=border, xmldecl=False)
    return out.getvalue().decode("utf-8")


def ticket_qr_png(url: str, *, scale: int = 4, border: int = 2) -> bytes:
    """PNG bytes of the QR code, for a receipt PDF or ESC/POS raster."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()
