"""Python wrappers of leadscore's custom MLlib stages, so that PySpark (and
``mlflow.spark.load_model``) can load a model saved by the Java jobs.

PySpark wraps every Java stage of a loaded ``PipelineModel`` in the Python class named after
the Java class (``org.apache.spark`` becomes ``pyspark``). leadscore's stages live in the Java
package ``io.leadscore.features.ml``, and ``import io.leadscore...`` cannot work in Python
(``io`` is a standard-library module), so :func:`register` puts a module of that name into
``sys.modules`` holding thin wrappers; the work still runs in the JVM. The leadscore jar must
be on the Spark classpath (``spark.jars``).

    import leadscore_stages
    leadscore_stages.register()
    model = mlflow.spark.load_model("models:/leads@champion")
"""
import sys
import types

JAVA_PACKAGE = "io.leadscore.features.ml"

TRANSFORMERS = ("MissingIndicator", "BooleanToNumber")
MODELS = ("RareLevelGrouperModel",)
ESTIMATORS = {"RareLevelGrouper": "RareLevelGrouperModel"}


def register():
    """Makes ``io.leadscore.features.ml`` importable with a wrapper per stage. Idempotent."""
    if JAVA_PACKAGE in sys.modules:
        return sys.modules[JAVA_PACKAGE]
    from pyspark.ml.util import JavaMLReadable, JavaMLWritable
    from pyspark.ml.wrapper import JavaEstimator, JavaModel, JavaTransformer

    module = types.ModuleType(JAVA_PACKAGE, "leadscore custom stages (JVM-backed wrappers)")
    for name in TRANSFORMERS:
        setattr(module, name, type(name, (JavaTransformer, JavaMLReadable, JavaMLWritable),
                                   {"__module__": JAVA_PACKAGE}))
    for name in MODELS:
        setattr(module, name, type(name, (JavaModel, JavaMLReadable, JavaMLWritable),
                                   {"__module__": JAVA_PACKAGE}))
    for name, model_name in ESTIMATORS.items():
        model_class = getattr(module, model_name)

        def _create_model(self, java_model, model_class=model_class):
            return model_class(java_model)

        setattr(module, name, type(name, (JavaEstimator, JavaMLReadable, JavaMLWritable),
                                   {"__module__": JAVA_PACKAGE, "_create_model": _create_model}))
    sys.modules[JAVA_PACKAGE] = module
    return module
