"""The HTTP edge shared by every part: app keys, middlewares, input validation, responses."""
