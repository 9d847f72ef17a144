"""Reading ID documents: OCR of the card face and the IC chip, both into an IdReading."""
