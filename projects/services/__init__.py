"""Business actions of the project module, `<entity>_<action>(*, actor, …)`, each atomic and
audited (workflow steps with `record_event`, field changes by django-auditlog)."""
