"""CPU seconds the whole machine spends while a block of code runs: every process, the ones it starts included.

The benchmarks print it beside wall times. On ``cores`` cores a run cannot finish in less than its CPU seconds
divided by ``cores``, however its work is spread over processes: this tells a goal that more parallelism could
still reach from one that needs less work. Read from ``/proc/stat`` (Linux); elsewhere the figures are None.
Other programs running at the same time are counted too, so run the benchmarks on an otherwise idle machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


def busy_seconds() -> float | None:
    """CPU seconds spent so far by every core outside idle and I/O wait; None without ``/proc/stat``."""
    try:
        with open("/proc/stat") as handle:
            fields = handle.readline().split()
    except OSError:
        return None
    # cpu  user nice system idle iowait irq softirq steal ...
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in fields[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuMeter:
    seconds: float | None = None

    def floor(self, cores: int | None = None) -> float | None:
        """The least wall time this much CPU work takes on ``cores`` cores (default: this machine's)."""
        return None if self.seconds is None else self.seconds / (cores or os.cpu_count() or 1)

    def describe(self) -> str:
        if self.seconds is None:
            return "CPU not measured (no /proc/stat)"
        return f"CPU {self.seconds:.1f} s in all processes, at least {self.floor():.1f} s on {os.cpu_count()} cores"


@contextmanager
def machine_cpu() -> Iterator[CpuMeter]:
    """``with machine_cpu() as cpu: ...``; then ``cpu.seconds`` is what every core spent meanwhile."""
    meter = CpuMeter()
    start = busy_seconds()
    try:
        yield meter
    finally:
        end = busy_seconds()
        meter.seconds = None if start is None or end is None else end - start
