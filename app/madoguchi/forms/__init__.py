"""The forms engine: form definitions as data, filled from one resident record into PDFs.

- :mod:`madoguchi.forms.definition` — one ``forms/<id>/form.yaml``: schema, parsing, checking.
- :mod:`madoguchi.forms.catalogue` — the folder: every form and its ``events.yaml``, loaded or checked together.
- :mod:`madoguchi.forms.render` — the packet: reportlab overlay (+ a ward's PDF merged under it
  with pypdf, or a background drawn from the definition).
- :mod:`madoguchi.forms.furigana` — kana suggestions, always unconfirmed until the clerk says so.
- :mod:`madoguchi.forms.events` — life events → the forms a visit needs (``forms/events.yaml``).

Qt-free: the UI and the CLI sit on top.
"""
