"""CPU time and memory of running processes from /proc (Linux), for figures that /usr/bin/time
cannot give: a server during one wrk run, a JVM that Python's own clocks do not see."""
import os


def children(pid):
    """pid's direct children (nginx: its workers)."""
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(d))
            except OSError:
                pass
    return kids


def cpu_seconds(pids):
    """User + system CPU seconds so far, summed over `pids`."""
    ticks = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def memory_mb(pids, field="VmRSS"):
    """A /proc/<pid>/status memory field (VmRSS now, VmHWM peak) in MB, summed over `pids`."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as f:
            total += next(int(line.split()[1]) for line in f if line.startswith(field + ":"))
    return total / 1024
