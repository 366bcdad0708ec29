"""The PAN budget programme in Crecer: budget execution, physical goals and facility stock,
imported from MEF and SISMED extracts; pages of execution, cost per output and stock."""
