from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _lazy

from .models import Document, LeadershipGroup, LeadershipMember, Organization, User

admin.site.site_header = _lazy("应急管理工作台 管理")
admin.site.site_title = _lazy("应急管理工作台")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "stage", "parent"]
    list_filter = ["kind", "stage"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "organization", "role", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["organization"]
    list_select_related = ["organization"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_lazy("单位与角色"), {"fields": ("organization", "role", "phone", "must_change_password")}),
    )
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_lazy("单位与角色"), {"fields": ("organization", "role")}))


class MemberInline(admin.TabularInline):
    model = LeadershipMember
    fields = ["name", "title", "group_role", "department", "phone", "joined_on", "left_on"]
    extra = 0


@admin.register(LeadershipGroup)
class LeadershipGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "established_on"]
    raw_id_fields = ["organization", "founding_document"]
    inlines = [MemberInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "number", "kind", "organization", "issued_on"]
    list_filter = ["kind"]
    raw_id_fields = ["organization"]
