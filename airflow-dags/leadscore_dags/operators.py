"""LeadscoreJobOperator: one leadscore job (a subcommand of the jar) through spark-submit.

It is the apache-spark provider's SparkSubmitOperator (connection ``spark_default``, the jar,
main class io.leadscore.jobs.cli.LeadscoreCli, application args, Spark conf) plus the jobs'
exit-code contract, which a plain SparkSubmitOperator folds into one "failed":

====  ==========================  =================================================
code  meaning                     what the task does
====  ==========================  =================================================
0     success                     succeeds, returns ``"ok"`` (XCom)
1     job failure                 fails, retried per ``retries``
2     usage or configuration      fails without retrying (AirflowFailException):
                                  a wrong config does not fix itself
3     drift above the threshold   (``drift`` job, ``outcomes={3: "drift"}``) succeeds
                                  and returns ``"drift"``; a branch downstream acts on it
====  ==========================  =================================================

The exit code is spark-submit's: in client deploy mode (the default, and local[*]) it is the
driver's System.exit code. In YARN/standalone *cluster* mode spark-submit does not pass the
driver's code through; there the drift outcome must come from the drift table instead.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk.exceptions import AirflowFailException

from leadscore_dags import settings

EXIT_OK = 0
EXIT_JOB_FAILED = 1
EXIT_USAGE = 2
EXIT_DRIFT = 3

_EXIT_CODE_IN_MESSAGE = re.compile(r"Error code is: (-?\d+)")


class LeadscoreJobOperator(SparkSubmitOperator):
    """Runs ``<job> --config <config> --source <source> <args...>`` of the leadscore jar.

    :param job: the subcommand (ingest, validate, features, train, score, drift, ...)
    :param job_args: extra arguments after --config/--source (templated)
    :param outcomes: exit codes other than 0 that are results, not failures, mapped to the
        value the task returns (e.g. ``{3: "drift"}``)
    :param with_source: pass ``--source`` (every data job takes it; doctor does not)
    """

    # driver_memory is not a template field of SparkSubmitOperator; here it is (a Variable).
    template_fields = (*SparkSubmitOperator.template_fields, "_driver_memory")

    def __init__(
        self,
        *,
        job: str,
        job_args: Sequence[str] = (),
        outcomes: Mapping[int, str] | None = None,
        config: str = settings.CONFIG,
        source: str = settings.SOURCE,
        with_source: bool = True,
        conf: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        args = [job, "--config", config]
        if with_source:
            args += ["--source", source]
        args += list(job_args)
        spark_conf = {
            "spark.sql.shuffle.partitions": settings.SHUFFLE_PARTITIONS,
            "spark.ui.showConsoleProgress": "false",
            "spark.driver.extraJavaOptions": settings.DRIVER_JAVA_OPTIONS,
            **(conf or {}),
        }
        kwargs.setdefault("conn_id", settings.SPARK_CONN_ID)
        kwargs.setdefault("application", settings.JAR)
        kwargs.setdefault("java_class", settings.MAIN_CLASS)
        kwargs.setdefault("driver_memory", settings.DRIVER_MEMORY)
        kwargs.setdefault("name", f"leadscore-{job}")
        super().__init__(application_args=args, conf=spark_conf, **kwargs)
        self.job = job
        self.outcomes = dict(outcomes or {})
        if EXIT_OK in self.outcomes or EXIT_USAGE in self.outcomes:
            raise ValueError(f"outcomes may not remap exit code 0 or 2, cannot be: {self.outcomes}")

    def execute(self, context: Any) -> str:
        try:
            super().execute(context)
        except Exception as error:
            code = self.exit_code(error)
            if code is not None and code in self.outcomes:
                outcome = self.outcomes[code]
                self.log.warning("leadscore %s exited %d: outcome %r", self.job, code, outcome)
                return outcome
            if code == EXIT_USAGE:
                raise AirflowFailException(
                    f"leadscore {self.job} exited 2 (usage or configuration error); not retrying."
                    f" Fix the config or arguments named in the log above. {error}") from error
            raise
        return "ok"

    def exit_code(self, error: BaseException | None = None) -> int | None:
        """spark-submit's exit code of the last submit, or None if it never ran."""
        process = getattr(self._hook, "_submit_sp", None) if self._hook is not None else None
        if process is not None and process.returncode is not None:
            return process.returncode
        # Fallback: the provider's message ("... Error code is: 3.").
        match = _EXIT_CODE_IN_MESSAGE.search(str(error or ""))
        return int(match.group(1)) if match else None
