from django.urls import path

from relais.insights.views import adoption, campaigns, exports, home, impact, output, report, skills

app_name = "insights"
urlpatterns = [
    path("", home.home, name="home"),
    path("indicateurs/adoption/", adoption.adoption, name="adoption"),
    path("indicateurs/effet/", impact.impact_view, name="impact"),
    path("indicateurs/activite/", output.output_view, name="output"),
    path("indicateurs/campagnes/", campaigns.campaign_list, name="campaign_list"),
    path("indicateurs/campagnes/nouvelle/", campaigns.campaign_create_view, name="campaign_create"),
    path("indicateurs/campagnes/<uuid:public_id>/", campaigns.campaign_detail, name="campaign_detail"),
    path("indicateurs/campagnes/<uuid:public_id>/modifier/", campaigns.campaign_update_view, name="campaign_update"),
    path("indicateurs/rapport/", report.report_view, name="report"),
    path("indicateurs/rapport/pdf/", report.report_pdf, name="report_pdf"),
    path("indicateurs/competences/", skills.skills_view, name="skills"),
    path("indicateurs/<slug:page>/export/<slug:key>.<str:fmt>", exports.table_export, name="table_export"),
]
