"""Building blocks shared by the leadscore DAGs (settings, Assets, the spark-submit operator).

Airflow puts the DAGs folder on sys.path, so DAG files import this as ``leadscore_dags``.
"""
