from django.urls import path

from . import views, views_reference

app_name = "declarations"

urlpatterns = [
    path("", views.declaration_list, name="list"),
    path("all/", views.declaration_list, name="all"),
    path("new/", views.declaration_create, name="create"),
    path("import/", views.import_page, name="import"),
    path("import/template.<str:fmt>", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("<int:pk>/", views.declaration_detail, name="detail"),
    path("<int:pk>/edit/", views.declaration_edit, name="edit"),
    path("<int:pk>/delete/", views.declaration_delete, name="delete"),
    path("<int:pk>/withdraw/", views.declaration_withdraw, name="withdraw"),
    path("<int:pk>/answer/", views.declaration_answer, name="answer"),
    path("<int:pk>/officer/<str:action>/", views.declaration_officer_action, name="officer_action"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document_download"),
    path("registrations/", views.registration_list, name="registrations"),
    path("registrations/apply/", views.registration_apply, name="registration_apply"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("registrations/<int:pk>/documents/", views.registration_document_upload, name="registration_document_upload"),
    path("registrations/<int:pk>/documents/<int:document_pk>/", views.registration_document_download,
         name="registration_document_download"),
    path("registrations/<int:pk>/<str:action>/", views.registration_decide, name="registration_decide"),
    path("reference/documents/", views_reference.document_requirement_list, name="document_requirements"),
    path("reference/documents/new/", views_reference.document_requirement_form, name="document_requirement_create"),
    path("reference/documents/<int:pk>/", views_reference.document_requirement_form,
         name="document_requirement_edit"),
    path("reference/hs/", views_reference.hs_code_list, name="hs_codes"),
    path("reference/hs/new/", views_reference.hs_code_form, name="hs_code_create"),
    path("reference/hs/import/", views_reference.hs_edition_import, name="hs_edition_import"),
    path("reference/hs/import/template.csv", views_reference.hs_edition_template, name="hs_edition_template"),
    path("reference/hs/<str:code>/", views_reference.hs_code_form, name="hs_code_edit"),
]
