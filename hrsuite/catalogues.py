"""When the texts kept from Django's translation catalogues are to be forgotten: whenever Django
loads its catalogues again, that is when the language settings change (tests override them) and
when a catalogue file changes (the development server reloads it)."""

from collections.abc import Callable

from django.core.signals import setting_changed
from django.utils.autoreload import file_changed

# The settings whose change makes Django load its catalogues again.
_LANGUAGE_SETTINGS = frozenset({"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS", "USE_I18N"})


def forget_with_catalogues(clear: Callable[[], None]) -> None:
    """Calls `clear` (a cache's clear) whenever the catalogues are loaded again."""

    def settings_changed(*, setting, **kwargs) -> None:
        if setting in _LANGUAGE_SETTINGS:
            clear()

    def catalogue_changed(*, file_path, **kwargs) -> None:
        if file_path.suffix == ".mo":
            clear()

    # Held strongly: nothing else refers to these receivers.
    setting_changed.connect(settings_changed, weak=False)
    file_changed.connect(catalogue_changed, weak=False)
