from django.urls import path

from relais.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("<slug:slug>/", views.article_detail, name="article_detail"),
    path("<slug:slug>/affiche/", views.article_flyer, name="article_flyer"),
]
