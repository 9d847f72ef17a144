"""The ticket receipt: a small PDF (80 mm roll width), built beside the queue it describes.

Building is separate from printing (Vorta's habit; :func:`madoguchi.ui.printing.print_receipt`
prints it), so the PDF is tested without a printer.
Everything on it is about the queue (number, service, time, estimate, a QR code to the
public page, the branch): no personal data.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from madoguchi.config import Settings
from madoguchi.queue.model import BUSINESS_TZ
from madoguchi.queue.qr import status_page_url, ticket_qr_png

#: the paper of common receipt printers (80 mm roll); tall enough for the QR code
RECEIPT_WIDTH_MM = 80.0
RECEIPT_HEIGHT_MM = 120.0
JOB_TITLE = "madoguchi-ticket"


@dataclass(frozen=True)
class Receipt:
    label: str
    service_name: str
    service_name_en: str
    issued_at: datetime
    branch_name: str
    people_ahead: int
    minutes: float | None
    low: float | None
    high: float | None
    status_url: str


def public_base_url(settings: Settings) -> str:
    """Where residents check congestion: the ward's public URL, else ``madoguchi serve``'s address."""
    if settings.public_url:
        return settings.public_url
    host = settings.public_host
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://{host}:{settings.public_port}/"


def receipt_for(ticket: Any, service: Any, estimate: Any, settings: Settings) -> Receipt:
    return Receipt(ticket.label, service.name, service.name_en, ticket.arrival_at, settings.branch_name,
                   estimate.people_ahead, estimate.minutes, estimate.low, estimate.high,
                   status_page_url(public_base_url(settings), settings.branch_id,
                                   ticket_label=ticket.label))


def wait_line(receipt: Receipt) -> tuple[str, str]:
    if receipt.minutes is None:
        return ("待ち時間の目安: 窓口の準備中です", "Estimated wait: counters are opening")
    low, high, minutes = round(receipt.low or 0), round(receipt.high or 0), round(receipt.minutes)
    if high <= 1:
        return ("まもなくお呼びします", "You will be called shortly")
    return (f"待ち時間の目安: 約{minutes}分（{low}〜{high}分）", f"Estimated wait: about {minutes} min ({low}-{high})")


def preload() -> None:
    """Import reportlab and register the fonts on the UI thread, once, before the first press.

    Importing them first inside a worker thread can stall for seconds under PySide's import
    hook; a clerk must never wait for that at the first ticket of the day.
    """
    from madoguchi.forms.render import register_fonts

    register_fonts()
    import reportlab.pdfgen.canvas  # noqa: F401
    import segno  # noqa: F401
    from reportlab.lib.utils import ImageReader  # noqa: F401


def render_receipt(receipt: Receipt) -> bytes:
    """The receipt as PDF bytes (IPAex Gothic, so Japanese prints on any printer)."""
    # reportlab and the fonts cost 0.15 s to import: not at start-up, but in preload() or here
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from madoguchi.forms.render import FONT_NAMES, register_fonts

    register_fonts()
    font = FONT_NAMES["gothic"]
    width, height = RECEIPT_WIDTH_MM * mm, RECEIPT_HEIGHT_MM * mm
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(width, height), pageCompression=1)
    pdf.setTitle(f"{JOB_TITLE} {receipt.label}")
    pdf.setAuthor("Madoguchi")
    centre = width / 2
    y = height - 10 * mm
    pdf.setFont(font, 10)
    pdf.drawCentredString(centre, y, f"{receipt.branch_name}　整理券 / Ticket")
    y -= 8 * mm
    pdf.setFont(font, 11)
    pdf.drawCentredString(centre, y, f"{receipt.service_name}（{receipt.service_name_en}）")
    y -= 19 * mm
    pdf.setFont(font, 44)
    pdf.drawCentredString(centre, y, receipt.label)
    y -= 9 * mm
    local = receipt.issued_at.astimezone(BUSINESS_TZ)
    pdf.setFont(font, 9)
    pdf.drawCentredString(centre, y, f"発券 {local:%Y-%m-%d %H:%M}　お待ちの方 {receipt.people_ahead}人")
    ja, en = wait_line(receipt)
    y -= 6 * mm
    pdf.setFont(font, 10)
    pdf.drawCentredString(centre, y, ja)
    y -= 5 * mm
    pdf.setFont(font, 8)
    pdf.drawCentredString(centre, y, en)
    qr_size = 34 * mm
    y -= qr_size + 3 * mm
    qr = ImageReader(io.BytesIO(ticket_qr_png(receipt.status_url, scale=6, border=1)))
    pdf.drawImage(qr, centre - qr_size / 2, y, qr_size, qr_size)
    y -= 5 * mm
    pdf.setFont(font, 8)
    pdf.drawCentredString(centre, y, "混雑状況はこちら / Waiting status")
    y -= 5 * mm
    pdf.drawCentredString(centre, y, "番号が表示・放送されたら窓口へお越しください")
    pdf.showPage()
    pdf.save()
    return out.getvalue()
