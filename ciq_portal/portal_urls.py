from django.urls import path

from . import calendar_views, portal_views

app_name = "portal"

urlpatterns = [
    path("agency-guide/", portal_views.agency_guide, name="agency_guide"),
    path("notifications/", portal_views.notifications, name="notifications"),
    path("notifications/read/", portal_views.notifications_mark_read, name="notifications_mark_read"),
    path("subscriptions/", portal_views.subscriptions, name="subscriptions"),
    path("subscriptions/<int:pk>/toggle/", portal_views.subscription_toggle, name="subscription_toggle"),
    path("webhooks/", portal_views.deliveries, name="deliveries"),
    path("webhooks/<int:pk>/", portal_views.delivery_detail, name="delivery_detail"),
    path("webhooks/<int:pk>/replay/", portal_views.delivery_replay, name="delivery_replay"),
    path("messages/", portal_views.message_deliveries, name="message_deliveries"),
    path("messages/<int:pk>/retry/", portal_views.message_delivery_send_again, name="message_delivery_retry"),
    path("staff/", portal_views.staff, name="staff"),
    path("agencies/", portal_views.agencies, name="agencies"),
    path("calendar/", calendar_views.calendar_years, name="calendar"),
    path("calendar/<int:year>/", calendar_views.calendar_year_edit, name="calendar_year"),
    path("agencies/clients/<int:client_pk>/keys/", portal_views.agency_key_action, name="agency_key_action"),
]
