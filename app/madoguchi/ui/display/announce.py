"""Calling a number out loud: the announcement texts (data), a chime (generated) and the OS voice.

- :func:`load_announcements` reads ``resources/display/announcements.yaml`` (languages in
  rotation, the Japanese speech in kana, how letters are spoken) and names the file and
  field of any problem.
- :func:`chime_wav` writes a two-tone chime as WAV bytes (no sound file to ship).
- :class:`Announcer` plays the chime and then speaks each call in Japanese with
  QtTextToSpeech, one after another. No engine, no Japanese voice or no audio device is
  not an error: the display still shows the call, and :attr:`Announcer.voice_report` says
  what is missing (the display shows it to staff).
"""

from __future__ import annotations

import io
import logging
import math
import struct
import tempfile
import wave
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, QUrl, Signal

from madoguchi import paths
from madoguchi.errors import ConfigError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    text: str
    idle: str


@dataclass(frozen=True)
class Announcements:
    languages: tuple[Language, ...]
    speech_ja: str
    letters: dict[str, str]

    def texts(self, label: str, counter: int) -> list[tuple[Language, str]]:
        return [(lang, lang.text.format(label=label, counter=counter)) for lang in self.languages]

    def text(self, code: str, label: str, counter: int) -> str:
        lang = next(lang for lang in self.languages if lang.code == code)
        return lang.text.format(label=label, counter=counter)

    def speech(self, label: str, counter: int) -> str:
        """The Japanese sentence for the voice: the letter by name, the number as a number."""
        prefix, _, digits = label.partition("-")
        letter = " ".join(self.letters.get(ch, ch) for ch in prefix)
        number = int(digits) if digits.isdigit() else digits
        return self.speech_ja.format(letter=letter, number=number, counter=counter, label=label)


def announcements_path() -> Path:
    return paths.resource_path("display", "announcements.yaml")


def _problem(path: Path, where: str, what: str) -> ConfigError:
    return ConfigError(f"{path.name} の {where}: {what}", f"{path.name}, {where}: {what}")


def load_announcements(path: Path | None = None) -> Announcements:
    import yaml

    from madoguchi.datafile import load_yaml

    path = path or announcements_path()
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise _problem(path, "ファイル", f"読めません / cannot be read ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("languages"), list) or not data["languages"]:
        raise _problem(path, "languages", "言語の一覧が必要です / a list of languages is required")
    languages = []
    for index, entry in enumerate(data["languages"]):
        where = f"languages[{index}]"
        if not isinstance(entry, dict) or set(entry) != {"code", "name", "text", "idle"}:
            raise _problem(path, where, "code, name, text, idle の4項目が必要です / needs exactly code, name, text, idle")
        try:
            entry["text"].format(label="A-001", counter=1)
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            raise _problem(path, where + ".text", f"使えるのは {{label}} と {{counter}} です ({exc})") from exc
        languages.append(Language(str(entry["code"]), str(entry["name"]), str(entry["text"]), str(entry["idle"])))
    if languages[0].code != "ja":
        raise _problem(path, "languages[0]", "最初は日本語 (ja) にしてください / Japanese must come first")
    speech = (data.get("speech") or {}).get("ja") or languages[0].text
    letters = {str(k): str(v) for k, v in (data.get("letters") or {}).items()}
    return Announcements(tuple(languages), str(speech), letters)


def chime_wav(*, rate: int = 44100, volume: float = 0.5) -> bytes:
    """A soft two-tone chime (ピンポーン: E6 then C6, each fading out) as 16-bit mono WAV bytes."""
    frames = bytearray()
    for frequency, seconds in ((1318.5, 0.45), (1046.5, 0.9)):
        count = int(rate * seconds)
        for i in range(count):
            t = i / rate
            envelope = math.exp(-3.2 * t / seconds) * min(1.0, i / (0.01 * rate))
            # a touch of the octave makes it a bell, not a beep
            sample = math.sin(2 * math.pi * frequency * t) + 0.25 * math.sin(4 * math.pi * frequency * t)
            frames += struct.pack("<h", int(max(-1.0, min(1.0, volume * envelope * sample / 1.25)) * 32767))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(bytes(frames))
    return out.getvalue()


@dataclass(frozen=True)
class VoiceReport:
    engine: str  # "" when there is none
    voice: str  # the Japanese voice used, "" when there is none
    engines: tuple[str, ...]
    problem: str  # what is missing, for staff ("" when speech works)

    @property
    def speaks_japanese(self) -> bool:
        return bool(self.voice)


class Announcer(QObject):
    """Chime, then the Japanese call, for each new call in turn.

    ``engine``: a QtTextToSpeech engine name (None: the platform's default; "" : no speech).
    """

    announced = Signal(str)  # the sentence spoken (or that would be, without a voice)
    voice_ready = Signal(object)  # VoiceReport

    def __init__(self, announcements: Announcements, *, engine: str | None = None, sound: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.announcements = announcements
        self.sound_enabled = sound
        self.queue: deque[tuple[str, int]] = deque()
        self.speaking = False
        self.voice_report = VoiceReport("", "", (), "")
        self._speech: Any = None
        self._chime: Any = None
        self._chime_file: Path | None = None
        self._engine_name = engine
        self._said = 0
        self._gap = QTimer(self)
        self._gap.setSingleShot(True)
        self._gap.timeout.connect(self._next)
        self._voice_checked = False

    def ensure_voice(self) -> None:
        """Find the OS voice once, when the display is first shown (it may start the speech service)."""
        if self._voice_checked:
            return
        self._voice_checked = True
        if self._engine_name == "":
            self._report("", "", (), "音声は使わない設定です。")
            return
        QTimer.singleShot(0, self._set_up_voice)

    # -- set-up ---------------------------------------------------------------------------
    def _set_up_voice(self) -> None:
        try:
            from PySide6.QtCore import QLocale
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError:
            self._report("", "", (), "QtTextToSpeech がありません（PySide6-Addons）。")
            return
        engines = tuple(QTextToSpeech.availableEngines())
        if not engines:
            self._report("", "", engines, "音声合成エンジンがありません（Linux: speech-dispatcher と espeak-ng）。")
            return
        # the test engine "mock" says nothing: only when asked for by name
        real = [e for e in engines if e != "mock"] or list(engines)
        name = self._engine_name if self._engine_name in engines else real[0]
        speech = QTextToSpeech(name, self)
        if speech.state() == QTextToSpeech.State.Error:
            self._report(name, "", engines, f"音声合成エンジン {name} を使えません: {speech.errorString()}")
            return
        japanese = [locale for locale in speech.availableLocales() if locale.language() == QLocale.Language.Japanese]
        if not japanese:
            self._report(name, "", engines, f"{name} に日本語の音声がありません（表示のみで案内します）。")
            return
        speech.setLocale(japanese[0])
        voices = speech.availableVoices()
        if not voices:
            self._report(name, "", engines, f"{name} に日本語の音声がありません（表示のみで案内します）。")
            return
        speech.setVoice(voices[0])
        speech.setRate(-0.15)  # a little slower: a lobby echoes
        speech.stateChanged.connect(self._on_speech_state_changed)
        self._speech = speech
        self._report(name, voices[0].name(), engines, "")

    def _report(self, engine: str, voice: str, engines: tuple[str, ...], problem: str) -> None:
        self.voice_report = VoiceReport(engine, voice, engines, problem)
        if problem:
            log.info("display speech: %s", problem)
        else:
            log.info("display speech: engine %s, voice %s", engine, voice)
        self.voice_ready.emit(self.voice_report)

    def _chime_effect(self) -> Any:
        if self._chime is None:
            from PySide6.QtMultimedia import QSoundEffect

            with tempfile.NamedTemporaryFile(prefix="madoguchi-chime-", suffix=".wav", delete=False) as handle:
                handle.write(chime_wav())
            self._chime_file = Path(handle.name)
            self._chime = QSoundEffect(self)
            self._chime.setSource(QUrl.fromLocalFile(str(self._chime_file)))
            self._chime.setVolume(0.8)
        return self._chime

    # -- calls ----------------------------------------------------------------------------
    def announce(self, label: str, counter: int) -> None:
        # the OS voice is looked for at the first call, not at start: a display nobody calls
        # on (a test, a configuration session) never starts the speech service
        self.ensure_voice()
        self.queue.append((label, counter))
        if not self.speaking and not self._gap.isActive():
            self._next()

    def announce_test(self) -> None:
        """The staff's check in the morning: chime and a sample call (番号 エー の 1ばん …)."""
        self.announce("A-001", 1)

    def _next(self) -> None:
        if not self.queue:
            self.speaking = False
            return
        label, counter = self.queue.popleft()
        sentence = self.announcements.speech(label, counter)
        self.speaking = True
        if self.sound_enabled:
            try:
                self._chime_effect().play()
            except Exception:  # noqa: BLE001 - no audio device: the screen still shows the call
                log.info("display chime unavailable")
        self.announced.emit(sentence)
        if self.sound_enabled and self._speech is not None:
            # let the chime ring out before the voice starts
            QTimer.singleShot(1300, lambda: self._say(sentence))
        else:
            self.speaking = False
            self._gap.start(1500)

    def _say(self, sentence: str) -> None:
        if self._speech is None:
            self.speaking = False
            self._gap.start(300)
            return
        self._said += 1
        said = self._said
        self._speech.say(sentence)
        # engines that never report "speaking" (no audio device) must not stop the queue
        QTimer.singleShot(15000, lambda: self._on_speech_timeout(said))

    def _on_speech_state_changed(self, state: Any) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if state in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error) and self.speaking:
            self.speaking = False
            self._gap.start(600)

    def _on_speech_timeout(self, said: int) -> None:
        if self.speaking and said == self._said:
            self.speaking = False
            self._next()

    def stop(self) -> None:
        self.queue.clear()
        self._gap.stop()
        if self._speech is not None:
            speech, self._speech = self._speech, None
            speech.stateChanged.disconnect(self._on_speech_state_changed)
            speech.stop()
            speech.deleteLater()
        if self._chime_file is not None:
            self._chime_file.unlink(missing_ok=True)
            self._chime_file = None
