"""Reading the IC chip of ID cards through PC/SC (pyscard, imported lazily).

``reader.IcCardReader`` is the entry point; ``mynumber`` and ``license`` speak each card's
APDUs over any ``transmit`` function, so they need neither pyscard nor a reader to test.
"""
