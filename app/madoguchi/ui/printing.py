"""Printing from the app (the counter's packets, the reception's receipts): CUPS where there is
CUPS (Linux, macOS), QPrinter on Windows.

Both paths are two phases so the clerk sees at once that the job was handed to the OS,
then whether it came out: :func:`submit` (fast) and :func:`follow` (waits). Both run in a
worker thread (``run_in_background``); QPainter may paint on a QPrinter outside the UI thread.

The Windows path renders each PDF page with QtPdf at the printer's resolution onto a
QPrinter set up from the settings (printer, paper, duplex). It cannot be exercised on the
Linux CI; its outcome check is what the Windows spooler tells QPrinter (a printer that does
not exist, is offline or in error is refused before anything is sent).
"""

from __future__ import annotations

import sys
from typing import Any

from madoguchi import printing
from madoguchi.config import Settings
from madoguchi.errors import PrinterUnavailable
from madoguchi.queue.receipt import JOB_TITLE as RECEIPT_JOB_TITLE

PAPER_SIZES = {"A4": "A4", "A3": "A3", "B4": "B4", "B5": "B5", "Letter": "Letter"}


def use_cups() -> bool:
    return sys.platform != "win32" and printing.cups_available()


def submit(pdf: bytes, settings: Settings, title: str = "madoguchi") -> printing.PrintJob:
    """Hand the packet to the OS print system; PrinterUnavailable in plain words when it cannot."""
    options = printing.PrintOptions.from_settings(settings, title=title)
    if use_cups():
        return printing.submit_pdf(pdf, options)
    return print_with_qprinter(pdf, options)


def follow(job: printing.PrintJob, timeout: float = 120.0) -> printing.PrintJob:
    """Wait until the job is printed (CUPS); the QPrinter path has nothing more to wait for."""
    if job.extra.get("backend") == "qprinter":
        return job
    return printing.follow_job(job, timeout=timeout)


def cancel(job: printing.PrintJob) -> None:
    """Cancel a stuck job before a re-print, so the packet never comes out twice."""
    if job.extra.get("backend") == "qprinter" or job.final_state == printing.JobState.COMPLETED:
        return
    try:
        printing.cancel_job(job)
    except PrinterUnavailable:
        pass  # the print system is gone: nothing of the old job can come out either


def print_receipt(pdf: bytes, settings: Settings, *, timeout: float = 60.0) -> printing.PrintJob:
    """Print a ticket receipt through the OS and wait until it came out; PrinterUnavailable otherwise.

    The one place that talks to the print system for receipts. The receipt printer falls back
    to the form printer.
    """
    options = printing.PrintOptions(printer=settings.receipt_printer or settings.printer_name,
                                    paper="receipt", title=RECEIPT_JOB_TITLE)
    if use_cups():
        return printing.print_pdf(pdf, options, timeout=timeout)
    return print_with_qprinter(pdf, options)


def _qprinter(options: printing.PrintOptions) -> Any:
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    names = [info.printerName() for info in QPrinterInfo.availablePrinters()]
    name = options.printer or QPrinterInfo.defaultPrinterName()
    if not name or name not in names:
        raise printing._missing(options.printer)
    info = QPrinterInfo.printerInfo(name)
    if info.state() == QPrinter.PrinterState.Error:
        raise PrinterUnavailable(
            f"プリンタ「{name}」がエラー状態です（電源・用紙・紙詰まりを確認してください）。直したら「再印刷」を押してください。",
            f"The printer '{name}' reports an error (check power, paper, jams). Then press Re-print.")
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setDocName(options.title)
    page_id = getattr(QPageSize.PageSizeId, PAPER_SIZES.get(options.paper, "A4"))
    printer.setPageSize(QPageSize(page_id))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setCopyCount(max(1, options.copies))
    printer.setDuplex(QPrinter.DuplexMode.DuplexLongSide if options.duplex else QPrinter.DuplexMode.DuplexNone)
    return printer


def print_with_qprinter(pdf: bytes, options: printing.PrintOptions) -> printing.PrintJob:
    """Render every page with QtPdf onto a QPrinter (Windows). Untested on CI: no Windows spooler there."""
    import time

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtPdf import QPdfDocument

    started = time.perf_counter()
    printer = _qprinter(options)
    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
        raise PrinterUnavailable("帳票のPDFを読めませんでした。もう一度プレビューしてから印刷してください。",
                                 "The packet PDF could not be read; preview again, then print.")
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterUnavailable(
            f"プリンタ「{printer.printerName()}」に送れませんでした。電源と接続を確認してから「再印刷」を押してください。",
            f"Could not send to the printer '{printer.printerName()}'. Check power and connection, then Re-print.")
    try:
        dpi = printer.resolution()
        for index in range(document.pageCount()):
            if index:
                printer.newPage()
            size_pt = document.pagePointSize(index)
            target = QSize(round(size_pt.width() / 72 * dpi), round(size_pt.height() / 72 * dpi))
            image = document.render(index, target)
            painter.drawImage(QRect(0, 0, target.width(), target.height()), image)
    finally:
        ok = painter.end()
        document.close()
    if not ok or printer.printerState() in (printer.PrinterState.Aborted, printer.PrinterState.Error):
        raise PrinterUnavailable(
            f"プリンタ「{printer.printerName()}」で印刷が中断されました。プリンタを確認してから「再印刷」を押してください。",
            f"Printing was interrupted on '{printer.printerName()}'. Check the printer, then Re-print.")
    job = printing.PrintJob(printer.printerName(), 0, time.perf_counter() - started,
                            final_state=printing.JobState.COMPLETED)
    job.extra["backend"] = "qprinter"
    return job
