from enterprises.views import crosscheck, engagement, files, pool

urlpatterns = files.urlpatterns + pool.urlpatterns + engagement.urlpatterns + crosscheck.urlpatterns
