from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from ketnap.accounts.models import Role


class RoleInline(admin.TabularInline):
    model = Role
    extra = 1
    autocomplete_fields = ["organization"]


admin.site.unregister(User)


@admin.register(User)
class KetnapUserAdmin(UserAdmin):
    inlines = [RoleInline]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "organization", "title"]
    list_filter = ["kind"]
    search_fields = ["user__username", "organization__name"]
    autocomplete_fields = ["organization", "user"]
