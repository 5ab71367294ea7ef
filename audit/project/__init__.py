"""Projects: many documents audited in one run, with checks across them.

The layer above :func:`audit.pipeline.run_audit` (which audits one document and stays as it
is): :mod:`.plan` decides which documents and how they pair, :mod:`.run` runs them (one core,
worker processes, or a Dask cluster), :mod:`.checks` looks across them, :mod:`.report` is the
``audit-project/1`` report.
"""

from audit.project.plan import Job, Plan, from_dirs, from_targets
from audit.project.report import ProjectReport
from audit.project.run import Options, run_project

__all__ = ["Job", "Options", "Plan", "ProjectReport", "from_dirs", "from_targets", "run_project"]
