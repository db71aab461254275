"""The pages of the reports part."""
