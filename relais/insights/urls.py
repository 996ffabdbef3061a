from django.urls import path

from relais.insights.views import adoption, exports, home

app_name = "insights"
urlpatterns = [
    path("", home.home, name="home"),
    path("indicateurs/adoption/", adoption.adoption, name="adoption"),
    path("indicateurs/<slug:page>/export/<slug:key>.<str:fmt>", exports.table_export, name="table_export"),
]
