"""English formats overriding Django's, found through FORMAT_MODULE_PATH."""

DATE_FORMAT = "Y~m~d"
SHORT_DATE_FORMAT = "d.m.Y"
NUMBER_GROUPING = 2
THOUSAND_SEPARATOR = "'"
