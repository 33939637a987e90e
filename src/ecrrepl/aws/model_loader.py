"""botocore's model loader, safe to share between the threads and sessions of a run."""

from __future__ import annotations

import threading
from typing import Any

import botocore.loaders


class ThreadSafeLoader(botocore.loaders.Loader):
    """botocore's model loader, whose caches fill without a lock: threads that missed
    the cache together would each list botocore's data folder and parse the same JSON."""

    def __init__(self) -> None:
        super().__init__()
        self._serialized = threading.RLock()

    def list_available_services(self, type_name: str) -> Any:
        with self._serialized:
            return super().list_available_services(type_name)

    def load_service_model(
        self, service_name: str, type_name: str, api_version: str | None = None
    ) -> Any:
        with self._serialized:
            return super().load_service_model(service_name, type_name, api_version)

    def load_data_with_path(self, name: str) -> Any:
        with self._serialized:
            return super().load_data_with_path(name)
