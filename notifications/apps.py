from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from audit.selectors import target_type_renamed

        # The outbox lived in `interviews` before: the trail's older events name it so.
        target_type_renamed(former="interviews.notification", current="notifications.notification")
