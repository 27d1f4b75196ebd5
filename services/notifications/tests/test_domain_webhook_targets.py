import pytest

from services.notifications.domain.webhook_targets import TargetPolicy

DEFAULT = TargetPolicy.of(platform_hosts=["wenyun.example.cn", "rabbitmq"])


@pytest.mark.parametrize(
    "address,kind",
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("10.8.1.20", "private"),
        ("192.168.1.5", "private"),
        ("0.0.0.0", "unspecified"),
        ("::ffff:127.0.0.1", "loopback"),
        ("224.0.0.1", "multicast"),
    ],
)
def test_inward_addresses_are_refused_with_the_reason(address, kind):
    reason = DEFAULT.refusal("archive.example.cn", [address])
    assert reason and kind in reason and address.split("::ffff:")[-1] in reason


def test_outside_addresses_pass_and_one_inward_address_of_several_is_enough_to_refuse():
    assert DEFAULT.refusal("archive.example.cn", ["203.0.113.7", "2001:db8::7"]) is not None  # documentation ranges
    assert DEFAULT.refusal("archive.example.cn", ["101.37.1.1"]) is None
    assert "127.0.0.1" in DEFAULT.refusal("archive.example.cn", ["101.37.1.1", "127.0.0.1"])


def test_platform_hosts_and_unresolvable_names_are_refused():
    assert "own hosts" in DEFAULT.refusal("WENYUN.example.cn.", ["101.37.1.1"])
    # ... unless the administrator allowed where it lives (a test platform on loopback)
    assert TargetPolicy.of(["127.0.0.0/8"], ["127.0.0.1"]).refusal("127.0.0.1", ["127.0.0.1"]) is None
    assert "does not resolve" in DEFAULT.refusal("nowhere.example.cn", [])


def test_an_administrator_may_allow_an_intranet_range():
    policy = TargetPolicy.of(allowed_networks=["10.8.0.0/16", "127.0.0.0/8"])
    assert policy.refusal("archive.district", ["10.8.1.20"]) is None
    assert policy.refusal("localhost", ["127.0.0.1"]) is None
    assert "10.9.0.1" in policy.refusal("other.district", ["10.9.0.1"])
