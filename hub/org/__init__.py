"""The organisation: the commission, its offices, joint groups, stationed groups, supervised units and townships."""
