from django.urls import path

from talent import views

urlpatterns = [
    *views.PEOPLE.urls(),
    path("talent/people/<int:pk>/reveal/", views.person_reveal, name="talent_person_reveal"),
    path("talent/people/<int:pk>/designations/", views.designation_add, name="talent_designation_add"),
    path("talent/people/<int:pk>/conflicts/", views.conflict_declare, name="talent_conflict_declare"),
    *views.PHD_PROJECTS.urls(),
    *views.AGREEMENTS.urls(),
    *views.ASSIGNMENTS.urls(),
    path("talent/commissioners/<int:pk>/log/", views.service_log_new, name="talent_service_log_new"),
    path("talent/my-service/", views.my_service, name="talent_my_service"),
]
