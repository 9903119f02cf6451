from projects.views import applications, challenges, execution, external, guides, reviews

urlpatterns = (
    guides.urlpatterns
    + applications.urlpatterns
    + reviews.urlpatterns
    + execution.urlpatterns
    + challenges.urlpatterns
    + external.urlpatterns
)
