"""The whole site as static files (``g287 publish``): see :mod:`g287.publish.site`."""
