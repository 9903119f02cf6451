from django.urls import path

from plan import views

urlpatterns = [
    path("plan/", views.plan_detail, name="plan_current"),
    path("plan/<int:pk>/", views.plan_detail, name="plan_detail"),
]
