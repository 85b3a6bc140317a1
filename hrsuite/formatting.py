"""Times and days as a person reads them, in their zone and language (e-mails and pages alike)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_WEEKDAYS_ZH = "一二三四五六日"


def zone_or_utc(name: str | None) -> ZoneInfo:
    """The time zone named (a person's, an interview's); UTC when none or an unknown one is named."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def format_time(moment: datetime, *, zone: ZoneInfo, language: str) -> str:
    """`moment` in the reader's zone, with the zone's name, as a person writes it."""
    local = moment.astimezone(zone)
    if language == "zh-hans":
        return (
            f"{local.year}年{local.month}月{local.day}日（星期{_WEEKDAYS_ZH[local.weekday()]}）"  # noqa: RUF001
            f"{local:%H:%M}（{zone.key} 时间）"  # noqa: RUF001
        )
    return f"{local:%A %-d %B %Y, %H:%M} ({zone.key} time)"


def format_date(day: date, *, language: str) -> str:
    """A calendar day (start date, due date) as a person writes it, with its weekday."""
    if language == "zh-hans":
        return f"{day.year}年{day.month}月{day.day}日（星期{_WEEKDAYS_ZH[day.weekday()]}）"  # noqa: RUF001
    return f"{day:%A %-d %B %Y}"
