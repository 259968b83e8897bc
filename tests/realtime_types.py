"""Event types the realtime tests publish: ``publish`` takes catalogue types only."""

from config.realtime.catalogue import EventType, register_event_type


def _test_type(name: str) -> EventType:
    return register_event_type(
        EventType(name=name, version=1, description="A test event.", audiences="any group")
    )


TEST_PING = _test_type("test.ping")
TEST_N = _test_type("test.n")
TEST_STORM = _test_type("test.storm")
TEST_CROSS = _test_type("test.cross")
