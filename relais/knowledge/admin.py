from django.contrib import admin

from relais.knowledge.models import Article, Step, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]


class StepInline(admin.TabularInline):
    model = Step
    extra = 1


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "audience", "topic", "is_published", "updated_at"]
    list_filter = ["audience", "is_published", "topic"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StepInline]
