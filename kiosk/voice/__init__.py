"""What the kiosk says aloud: prompts rendered to WAV by espeak-ng, cached, played by the UI.

No Qt here except ``qt_bridge`` (the player the UI uses). ``espeak`` runs the engine, ``speech``
turns a prompt into what the engine reads for each language (Mandarin through tone-numbered
pinyin), ``cache`` keeps rendered prompts, ``speaker`` is what screens call (say, repeat, mute,
stop at the wipe), with a recording output for tests.
"""
