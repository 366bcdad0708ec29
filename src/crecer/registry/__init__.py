"""The Nominal Registry (Padrón Nominal) of children under 6: records with the fields of the RENIEC
export, identifiers, change history, bulk import with quarantine, search."""
