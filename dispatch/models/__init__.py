"""Dispatch models, split by sub-domain (actuals; reports, warnings, follow-up and assessment
live in their own modules)."""

from dispatch.models.actuals import Actual, ActualOrigin

__all__ = ["Actual", "ActualOrigin"]
