"""Runtime helpers: compile cache, cluster, interrupts, progress, atomic folders."""
