"""A province per machine on Prefect's own machinery: a process work pool, one deployment per
province, workers on the provinces' machines, and the national roll-up as one more deployment.

Nothing here schedules or dispatches runs: Prefect's server does (its scheduler creates the runs
of each deployment's cron) and Prefect's workers do (`prefect worker start --pool tthc
--work-queue <province>` on each machine takes the runs of its queue and starts each in a process
of its own). This module only declares the deployments, by module path (`pipelines.flows:…`), so
a worker needs the installed package and the province's configuration file, never a copy of the
source. A province's settings reach its runs as `TTHC_CONFIG` in the deployment's job variables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

NIGHTLY_FLOW = "tthc-nightly"
NATIONAL_FLOW = "tthc-national"


@dataclass(frozen=True)
class Deployed:
    name: str  # "<flow>/<deployment>", as `prefect deployment run` takes it
    work_pool: str
    work_queue: str
    deployment_id: str


def ensure_process_pool(name: str) -> None:
    """The work pool, created as a process pool with Prefect's default job template if missing."""
    from prefect import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.process import ProcessWorker

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(name)
        except ObjectNotFound:
            client.create_work_pool(
                WorkPoolCreate(
                    name=name, type="process", base_job_template=ProcessWorker.get_default_base_job_template()
                )
            )


def deploy_province(
    config: Path, pool: str, queue: str, name: str | None = None, cron: str | None = None, timezone: str = ""
) -> Deployed:
    """`tthc-nightly/<name>` on `pool`, queue `queue` (one per province machine), its runs reading
    the province's settings from `config` (an absolute path on the worker's machine)."""
    from pipelines.flows import tthc_nightly

    env = {"TTHC_CONFIG": str(Path(config).resolve())}
    return _deploy(tthc_nightly, name or queue, pool, queue, env, cron, timezone, {})


def deploy_national(
    sources: list[Path],
    db: Path,
    pool: str,
    queue: str,
    name: str = "toan-quoc",
    cron: str | None = None,
    timezone: str = "",
) -> Deployed:
    """`tthc-national/<name>`: the roll-up of the provinces' aggregates folders into `db`."""
    from pipelines.flows import tthc_national

    params: dict[str, object] = {"sources": [str(Path(s).resolve()) for s in sources], "db": str(Path(db).resolve())}
    return _deploy(tthc_national, name, pool, queue, {}, cron, timezone, params)


def _deploy(
    flow: Any,
    name: str,
    pool: str,
    queue: str,
    env: dict[str, str],
    cron: str | None,
    timezone: str,
    parameters: dict[str, object],
) -> Deployed:
    from prefect.schedules import Cron
    from prefect.types.entrypoint import EntrypointType

    ensure_process_pool(pool)
    schedules = [Cron(cron, timezone=timezone or None)] if cron else None
    deployment_id = flow.deploy(
        name=name,
        work_pool_name=pool,
        work_queue_name=queue,
        job_variables={"env": env} if env else None,
        parameters=parameters or None,
        schedules=schedules,
        # by module path: workers import the installed package, no source to pull or image to build
        entrypoint_type=EntrypointType.MODULE_PATH,
        build=False,
        push=False,
        print_next_steps=False,
        ignore_warnings=True,
    )
    return Deployed(f"{flow.name}/{name}", pool, queue, str(deployment_id))
