"""Constants shared by the model and query layers."""

# Separates field names in lookups: "book__author__name__icontains".
LOOKUP_SEP = "__"
