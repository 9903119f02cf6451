from dispatch.views import assessment, dashboard, followup, reports, warnings

urlpatterns = (
    dashboard.urlpatterns
    + reports.urlpatterns
    + warnings.urlpatterns
    + followup.urlpatterns
    + assessment.urlpatterns
)
