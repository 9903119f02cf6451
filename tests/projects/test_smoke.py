import pytest

from tests.projects.conftest import login, to_review


@pytest.mark.django_db
def test_pages_render(users, guide, make_application, make_user, units):
    from kechuang.core.roles import Role

    make_user("wanshan", Role.DISTRICT, unit=units["520603"])
    app = make_application()
    app = to_review(app, users)
    for role in ("staff", "district", "enterprise", "leader"):
        c = login(users[role])
        for url in (
            "/projects/applications/",
            f"/projects/applications/{app.pk}/",
            "/projects/projects/",
            "/projects/guides/",
            "/projects/challenges/",
            "/projects/public/",
            "/projects/guide/2023/",
        ):
            r = c.get(url)
            assert r.status_code in (200, 404), (role, url, r.status_code)
    c = login(users["staff"])
    assert c.get(f"/projects/guides/{guide.pk}/").status_code == 200
    assert c.get("/projects/guide/2023/guide.docx").status_code == 200
