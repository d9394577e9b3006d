from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "espace_sante.notifications"
    label = "notifications"
    verbose_name = "Notifications"
