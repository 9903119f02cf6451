"""The project's URLs plus an admin site with changelists of the benchmarked tables, paginated by
Django's stock Paginator (COUNT(*) and OFFSET): the reference for the list pages."""

from django.contrib import admin
from django.urls import path

from enterprises.models import Enterprise
from kechuang.urls import urlpatterns as project_urls
from transfer.models import TechContract


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "unit", "ht_domain")
    list_filter = ("unit", "ht_domain")
    list_select_related = ("unit",)
    list_per_page = 50


@admin.register(TechContract)
class TechContractAdmin(admin.ModelAdmin):
    list_display = (
        "registration_no",
        "seller_name",
        "buyer_name",
        "type",
        "contract_value",
        "signed",
        "registered",
        "unit",
        "status",
    )
    list_filter = ("unit", "status", "type")
    list_select_related = ("unit",)
    list_per_page = 50


urlpatterns = [path("bench-admin/", admin.site.urls), *project_urls]
