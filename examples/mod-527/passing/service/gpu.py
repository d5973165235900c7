"""GPU telemetry through NVML (libnvidia-ml.so.1, injected by the NVIDIA container runtime), read on each scrape.

Without a GPU or driver the gauges read 0, so the service and its metrics work on a CPU-only machine too.
"""
import ctypes


class _Memory(ctypes.Structure):
    _fields_ = [("total", ctypes.c_ulonglong), ("free", ctypes.c_ulonglong), ("used", ctypes.c_ulonglong)]


class _Utilization(ctypes.Structure):
    _fields_ = [("gpu", ctypes.c_uint), ("memory", ctypes.c_uint)]


class GpuTelemetry:
    def __init__(self) -> None:
        self._nvml = None
        self._device = ctypes.c_void_p()
        try:
            nvml = ctypes.CDLL("libnvidia-ml.so.1")
            if nvml.nvmlInit_v2() == 0 and nvml.nvmlDeviceGetHandleByIndex_v2(0, ctypes.byref(self._device)) == 0:
                self._nvml = nvml
        except OSError:
            self._nvml = None

    @property
    def available(self) -> bool:
        return self._nvml is not None

    def memory_used_bytes(self) -> int:
        if self._nvml is None:
            return 0
        memory = _Memory()
        return memory.used if self._nvml.nvmlDeviceGetMemoryInfo(self._device, ctypes.byref(memory)) == 0 else 0

    def utilization_ratio(self) -> float:
        if self._nvml is None:
            return 0.0
        rates = _Utilization()
        return rates.gpu / 100.0 if self._nvml.nvmlDeviceGetUtilizationRates(self._device, ctypes.byref(rates)) == 0 else 0.0
