from celery import shared_task


@shared_task(acks_late=True)
def import_job_run(job_id: int) -> None:
    """Work one bulk upload (fetch by id, call the import; a finished job is left alone)."""
    from .bulk import import_job_run as run

    run(job_id)
