"""Survey child files (ENDES-like: cluster, stratum, weight, measurements, Hb) imported with the
usual quarantine, and their estimates beside the registry's figures (:mod:`crecer.survey` does
the statistics)."""
