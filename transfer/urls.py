from django.urls import path

from transfer.views import achievements, contracts

urlpatterns = [
    path("contracts/", contracts.contract_list, name="contract_list"),
    path("contracts/export.xlsx", contracts.contract_export, name="contract_export"),
    path("contracts/follow-up/", contracts.contract_followup, name="contract_followup"),
    path("contracts/duplicates/", contracts.contract_duplicates, name="contract_duplicates"),
    path("contracts/new/", contracts.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", contracts.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/delete/", contracts.contract_delete, name="contract_delete"),
    path("achievements/", achievements.achievement_home, name="achievement_home"),
]

for _reg in achievements.REGISTRIES.values():
    _kw = {"registry": _reg.key}
    urlpatterns += [
        path(f"achievements/{_reg.slug}/", achievements.registry_list, _kw, name=f"{_reg.key}_list"),
        path(
            f"achievements/{_reg.slug}/export.xlsx",
            achievements.registry_export,
            _kw,
            name=f"{_reg.key}_export",
        ),
        path(f"achievements/{_reg.slug}/new/", achievements.registry_create, _kw, name=f"{_reg.key}_create"),
        path(
            f"achievements/{_reg.slug}/<int:pk>/",
            achievements.registry_detail,
            _kw,
            name=f"{_reg.key}_detail",
        ),
        path(
            f"achievements/{_reg.slug}/<int:pk>/edit/",
            achievements.registry_edit,
            _kw,
            name=f"{_reg.key}_edit",
        ),
        path(
            f"achievements/{_reg.slug}/<int:pk>/delete/",
            achievements.registry_delete,
            _kw,
            name=f"{_reg.key}_delete",
        ),
    ]
