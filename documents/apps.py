from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kechuang.core.nav import NavItem


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")
    # Enterprises and experts read no document (documents.models.Document).
    nav = [NavItem("document_list", _("Documents"), 25, roles=frozenset({"staff", "leader", "district"}))]

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from documents.models import Document

        # The file and the snapshot are large and never edited in place; their digests are
        # audited instead (sha256, digest).
        auditlog.register(Document, exclude_fields=["docx", "snapshot"], m2m_fields={"recipients"})
