from django.urls import path

from org import views

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
]
