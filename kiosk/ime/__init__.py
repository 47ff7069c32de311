"""Chinese input without a keyboard: whole-word pinyin and finger handwriting. No Qt.

``lexicon`` loads the shipped word list (resources/data/words.tsv.gz), ``pinyin`` turns letters
into words and phrases, ``reading`` turns Chinese text into tone-numbered pinyin (for speech), and
``handwriting`` classifies finger strokes with Zinnia after smoothing and rescaling them.
"""
