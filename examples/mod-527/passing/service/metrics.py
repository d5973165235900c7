"""Prometheus metrics in the text exposition format 0.0.4, without a client library (none in the base image)."""
import threading

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.predictions = 0
        self.batch_size = 1
        self._durations: dict[str, list[int]] = {}
        self._sums: dict[str, float] = {}
        self._counts: dict[str, int] = {}

    def observe(self, path: str, seconds: float) -> None:
        with self._lock:
            buckets = self._durations.setdefault(path, [0] * len(BUCKETS))
            for index, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    buckets[index] += 1
            self._sums[path] = self._sums.get(path, 0.0) + seconds
            self._counts[path] = self._counts.get(path, 0) + 1

    def count_prediction(self) -> None:
        with self._lock:
            self.predictions += 1

    def render(self, gpu_memory_bytes: int, gpu_utilization: float) -> str:
        with self._lock:
            lines = [
                "# HELP predictions_total Predictions served.",
                "# TYPE predictions_total counter",
                f"predictions_total {self.predictions}",
                "# HELP http_request_duration_seconds Request latency by path.",
                "# TYPE http_request_duration_seconds histogram",
            ]
            for path in sorted(self._durations):
                for bound, count in zip(BUCKETS, self._durations[path]):
                    lines.append(f'http_request_duration_seconds_bucket{{path="{path}",le="{bound}"}} {count}')
                lines.append(f'http_request_duration_seconds_bucket{{path="{path}",le="+Inf"}} {self._counts[path]}')
                lines.append(f'http_request_duration_seconds_sum{{path="{path}"}} {self._sums[path]}')
                lines.append(f'http_request_duration_seconds_count{{path="{path}"}} {self._counts[path]}')
            lines += [
                "# HELP gpu_memory_used_bytes GPU memory in use (NVML), 0 without a GPU.",
                "# TYPE gpu_memory_used_bytes gauge",
                f"gpu_memory_used_bytes {gpu_memory_bytes}",
                "# HELP gpu_utilization_ratio GPU utilisation 0..1 (NVML), 0 without a GPU.",
                "# TYPE gpu_utilization_ratio gauge",
                f"gpu_utilization_ratio {gpu_utilization}",
                "# HELP model_batch_size Rows per model call.",
                "# TYPE model_batch_size gauge",
                f"model_batch_size {self.batch_size}",
            ]
        return "\n".join(lines) + "\n"
