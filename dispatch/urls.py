from dispatch.views import assessment, dashboard, followup, reports, targets, warnings

urlpatterns = (
    dashboard.urlpatterns
    + reports.urlpatterns
    + warnings.urlpatterns
    + followup.urlpatterns
    + assessment.urlpatterns
    + targets.urlpatterns
)
