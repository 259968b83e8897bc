"""ASGI entry point: HTTP through Django, websockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from config.realtime.middleware import TicketAuthMiddleware  # noqa: E402
from config.realtime.routing import websocket_urlpatterns  # noqa: E402
from config.server import daphne_passes_bodies_to_django  # noqa: E402

daphne_passes_bodies_to_django()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": TicketAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
