from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import account_views, dashboard, errors, inbox_views, summary_views, views
from .generic import record_urls

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found

core = [
    *record_urls("organizations/", views, "Organization"),
    path("organizations/tree/", views.organization_tree, name="organization_tree"),
    *record_urls("leadership/", views, "LeadershipGroup"),
    *record_urls("leadership/members/", views, "LeadershipMember"),
    *record_urls("documents/", views, "Document"),
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
    path("attachments/<int:ct>/<int:pk>/add/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment_file"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("imports/<slug:kind>/template/", views.import_template, name="import_template"),
    path("imports/<slug:kind>/upload/", views.import_upload, name="import_upload"),
    path("imports/jobs/<int:pk>/", views.import_job, name="importjob_detail"),
    path("imports/jobs/<int:pk>/status/", views.import_job_status, name="importjob_status"),
    path("imports/jobs/<int:pk>/confirm/", views.import_confirm, name="importjob_confirm"),
    path("imports/jobs/<int:pk>/retry/", views.import_retry, name="importjob_retry"),
    *record_urls("users/", account_views, "User"),
    path("users/schools/", account_views.school_accounts, name="user_schools"),
    path("users/issue-passwords/", account_views.user_issue_passwords, name="user_issue_passwords"),
    path("users/first-passwords/", account_views.first_passwords_download, name="user_first_passwords"),
    path("users/<int:pk>/active/", account_views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/reset-password/", account_views.user_reset_password, name="user_reset_password"),
    path("settings/", views.rules_page, name="settings"),
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/badge/", inbox_views.inbox_badge, name="inbox_badge"),
    path("inbox/read-all/", inbox_views.inbox_read_all, name="inbox_read_all"),
    path("inbox/settings/", inbox_views.message_settings, name="message_settings"),
    path("inbox/<int:pk>/", inbox_views.message_open, name="message_open"),
    path("channels/", inbox_views.channel_list, name="channel_list"),
    path("channels/add/", inbox_views.channel_edit, name="channel_add"),
    path("channels/<int:pk>/edit/", inbox_views.channel_edit, name="channel_edit"),
    path("channels/<int:pk>/delete/", inbox_views.channel_delete, name="channel_delete"),
    path("channels/<int:pk>/test/", inbox_views.channel_test, name="channel_test"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("summaries/", summary_views.summary_list, name="summaryrun_list"),
    path("summaries/<int:pk>/", summary_views.summary_detail, name="summaryrun_detail"),
    path("summaries/<int:pk>/edit/", summary_views.summary_edit, name="summaryrun_edit"),
    path("summaries/<int:pk>/finalize/", summary_views.summary_finalize, name="summaryrun_finalize"),
    path("summaries/<int:pk>/rerun/", summary_views.summary_rerun, name="summaryrun_rerun"),
    path("summaries/<int:pk>/workbook/", summary_views.summary_workbook, name="summaryrun_workbook"),
    path("summaries/<int:pk>/docx/", summary_views.summary_docx, name="summaryrun_docx"),
    path("summaries/<int:pk>/pdf/", summary_views.summary_pdf, name="summaryrun_pdf"),
    path("summaries/<int:pk>/compare/<int:other>/", summary_views.summary_compare, name="summaryrun_compare"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include((core, "emergency"))),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("upload-too-large/", errors.upload_too_large, name="upload_too_large"),
    path("admin/", admin.site.urls),
    path("plans/", include("plans.urls")),
    path("drills/", include("drills.urls")),
    path("hazards/", include("hazards.urls")),
    path("supplies/", include("supplies.urls")),
    path("duty/", include("duty.urls")),
    path("outreach/", include("outreach.urls")),
]
