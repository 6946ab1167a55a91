from django.urls import path

from .views import declarations, imports, reference, registrations

app_name = "declarations"

urlpatterns = [
    path("", declarations.declaration_list, name="list"),
    path("all/", declarations.declaration_list, name="all"),
    path("new/", declarations.declaration_create, name="create"),
    path("import/", imports.import_page, name="import"),
    path("import/template.<str:fmt>", imports.import_template, name="import_template"),
    path("import/<int:pk>/", imports.import_job, name="import_job"),
    path("<int:pk>/", declarations.declaration_detail, name="detail"),
    path("<int:pk>/edit/", declarations.declaration_edit, name="edit"),
    path("<int:pk>/delete/", declarations.declaration_delete, name="delete"),
    path("<int:pk>/withdraw/", declarations.declaration_withdraw, name="withdraw"),
    path("<int:pk>/answer/", declarations.declaration_answer, name="answer"),
    path("<int:pk>/officer/<str:action>/", declarations.declaration_officer_action, name="officer_action"),
    path("<int:pk>/documents/", declarations.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", declarations.document_download, name="document_download"),
    path("manufacturers/check/", registrations.manufacturer_check, name="manufacturer_check"),
    path("registrations/", registrations.registration_list, name="registrations"),
    path("registrations/apply/", registrations.registration_apply, name="registration_apply"),
    path("registrations/<int:pk>/", registrations.registration_detail, name="registration_detail"),
    path("registrations/<int:pk>/documents/", registrations.registration_document_upload,
         name="registration_document_upload"),
    path("registrations/<int:pk>/documents/<int:document_pk>/", registrations.registration_document_download,
         name="registration_document_download"),
    path("registrations/<int:pk>/<str:action>/", registrations.registration_decide, name="registration_decide"),
    path("reference/documents/", reference.document_requirement_list, name="document_requirements"),
    path("reference/documents/new/", reference.document_requirement_form, name="document_requirement_create"),
    path("reference/documents/<int:pk>/", reference.document_requirement_form,
         name="document_requirement_edit"),
    path("reference/hs/", reference.hs_code_list, name="hs_codes"),
    path("reference/hs/new/", reference.hs_code_form, name="hs_code_create"),
    path("reference/hs/import/", reference.hs_edition_import, name="hs_edition_import"),
    path("reference/hs/import/template.csv", reference.hs_edition_template, name="hs_edition_template"),
    path("reference/hs/<str:code>/", reference.hs_code_form, name="hs_code_edit"),
    path("reference/ports/", reference.port_list, name="ports"),
    path("reference/ports/new/", reference.port_form, name="port_create"),
    path("reference/ports/<str:code>/", reference.port_form, name="port_edit"),
]
