"""Celery entry points of declarations. The bulk import queues its task from this module, so the task imports the
import when it runs (a cycle at import time otherwise)."""

from celery import shared_task


@shared_task
def import_job_run_task(job_id: int) -> None:
    """Work one bulk upload (fetch by id, call the import; a finished job is left alone)."""
    from .bulk import import_job_run

    import_job_run(job_id)


@shared_task
def import_jobs_resume_task() -> int:
    """Queue again the uploads whose message or worker was lost."""
    from .bulk import import_jobs_resume

    return import_jobs_resume()
