"""The dispatch workflow of plan section 四(二)(三): monthly reports, warnings and escalation,
key-task follow-up, assessment, and the bureau's settings of them. Business actions are
`<entity>_<action>(*, actor, ...)`, atomic, each workflow step audited with
record_event(EventAction.WORKFLOW, ...); views and the API stay thin."""
