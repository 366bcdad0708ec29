"""Women and their pregnancies: prenatal checks, Hb in pregnancy, iron and folic acid, dT,
the delivery (which creates or links the newborn's registry record) and postnatal checks."""
