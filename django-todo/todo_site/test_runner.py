import logging

from django.test.runner import DiscoverRunner
from django.test.utils import override_settings


class TodoTestRunner(DiscoverRunner):
    """Runs tests with the plain static storage.

    Production uses ManifestStaticFilesStorage, which needs ``collectstatic``
    to have run; tests render templates without that step.

    The 4xx responses the tests provoke on purpose (405, 404, bad Host) are
    logged by Django; those loggers are quietened so real failures stand out.
    """

    QUIET_LOGGERS = {"django.request": logging.ERROR, "django.security": logging.CRITICAL}

    def setup_test_environment(self, **kwargs):
        super().setup_test_environment(**kwargs)
        self._storage_override = override_settings(
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        )
        self._storage_override.enable()
        self._log_levels = {}
        for name, level in self.QUIET_LOGGERS.items():
            logger = logging.getLogger(name)
            self._log_levels[name] = logger.level
            logger.setLevel(level)

    def teardown_test_environment(self, **kwargs):
        self._storage_override.disable()
        for name, level in self._log_levels.items():
            logging.getLogger(name).setLevel(level)
        super().teardown_test_environment(**kwargs)
