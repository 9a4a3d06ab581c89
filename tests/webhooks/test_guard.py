"""The SSRF guard, tested on the check itself: nothing here connects anywhere."""

from __future__ import annotations

import pytest

from pollserver.webhooks.guard import Refused, check_address, resolve_target


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.9.9.9", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1",
    "169.254.169.254", "169.254.1.1", "fe80::1", "fc00::1", "0.0.0.0", "::",
    "100.64.0.1", "100.100.100.200", "fd00:ec2::254", "224.0.0.1", "::ffff:127.0.0.1",
    "::ffff:169.254.169.254", "240.0.0.1", "198.18.0.1",
])
def test_non_public_addresses_are_refused(address):
    with pytest.raises(Refused):
        check_address(address)


@pytest.mark.parametrize("address", [
    # NAT64 (RFC 6052): the translator connects to the embedded IPv4 address.
    "64:ff9b::7f00:1", "64:ff9b::10.0.0.1", "64:ff9b::169.254.169.254", "64:ff9b::192.168.1.1",
    "64:ff9b::100.100.100.200", "64:ff9b::0.0.0.0",
    # Local-use NAT64 (RFC 8215), whatever it embeds: a private translator.
    "64:ff9b:1::10.0.0.1", "64:ff9b:1::8.8.8.8",
    # 6to4: the relay reaches the embedded IPv4 address (refused even when it is public).
    "2002:7f00:1::1", "2002:a00:1::", "2002:a9fe:a9fe::1", "2002:808:808::1",
    # IPv4-compatible (deprecated) and IPv4-translated (SIIT) forms.
    "::127.0.0.1", "::10.0.0.1", "::169.254.169.254", "::8.8.8.8",
    "::ffff:0:127.0.0.1", "::ffff:0:10.0.0.1", "::ffff:0:8.8.8.8",
    # Teredo wraps its server's and (obfuscated) client's IPv4 addresses.
    "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:0:a00:1::1",
    # Site-local (deprecated, private by intent) and other space outside global unicast.
    "fec0::1", "feff::1", "4000::1", "100::1", "::ffff:10.0.0.1%eth0",
])
def test_ipv6_forms_that_wrap_or_hide_private_addresses_are_refused(address):
    with pytest.raises(Refused):
        check_address(address)


@pytest.mark.parametrize("address", [
    "93.184.216.34", "2606:2800:220:1::1", "8.8.8.8",
    "64:ff9b::93.184.216.34",  # a public IPv4 host reached through DNS64/NAT64
])
def test_public_addresses_pass(address):
    check_address(address)


def test_allow_private_still_refuses_wrapped_forms_other_than_nat64():
    check_address("64:ff9b::10.0.0.1", allow_private=True)  # a private host, as asked
    check_address("fec0::1", allow_private=True)
    for address in ("2002:a00:1::1", "::10.0.0.1", "::ffff:0:10.0.0.1",
                    "64:ff9b::100.100.100.200", "2001:0:a00:1::1"):
        with pytest.raises(Refused):
            check_address(address, allow_private=True)


def test_allow_private_lets_loopback_and_private_through_but_never_metadata():
    for address in ("127.0.0.1", "::1", "10.0.0.1", "192.168.0.5"):
        check_address(address, allow_private=True)
    for address in ("100.100.100.200", "fd00:ec2::254", "224.0.0.1"):
        with pytest.raises(Refused):
            check_address(address, allow_private=True)


def resolver(*addresses: str):
    calls: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return list(addresses)

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


def test_https_only_unless_allowed():
    public = resolver("93.184.216.34")
    with pytest.raises(Refused, match="https"):
        resolve_target("http://hooks.example/x", resolve=public)
    with pytest.raises(Refused, match="https"):
        resolve_target("ftp://hooks.example/x", resolve=public)
    target = resolve_target("http://hooks.example/x?a=1", allow_http=True, resolve=public)
    assert (target.scheme, target.port, target.path) == ("http", 80, "/x?a=1")


def test_the_connection_goes_to_the_checked_address_with_the_name_kept():
    public = resolver("93.184.216.34")
    target = resolve_target("https://hooks.example:8443/in", resolve=public)
    assert target.address == "93.184.216.34" and target.host == "hooks.example"
    assert target.port == 8443 and public.calls == ["hooks.example"]  # resolved once


def test_a_name_that_resolves_to_a_private_address_is_refused():
    # DNS rebinding: the name is checked when the request is made, not when saved.
    with pytest.raises(Refused, match="not a public"):
        resolve_target("https://rebind.example/", resolve=resolver("127.0.0.1"))
    with pytest.raises(Refused, match="metadata|not a public"):
        resolve_target("https://meta.example/", resolve=resolver("169.254.169.254"))
    # One bad address among good ones is enough to refuse.
    with pytest.raises(Refused):
        resolve_target("https://mixed.example/", resolve=resolver("93.184.216.34", "10.0.0.1"))


@pytest.mark.parametrize("url", [
    "https://user:pw@hooks.example/", "https:///nohost", "https://hooks.example:99999/",
    "https://[::1]/", "https://127.0.0.1/", "https://0x7f000001/", "https://2130706433/",
])
def test_tricky_urls_are_refused(url):
    def resolve(host: str, port: int) -> list[str]:
        import ipaddress

        try:  # literal addresses resolve to themselves, as getaddrinfo does
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            return ["127.0.0.1"]  # what 0x7f000001 and 2130706433 mean to getaddrinfo

    with pytest.raises(Refused):
        resolve_target(url, resolve=resolve)


def test_a_host_name_that_cannot_be_encoded_is_refused_not_raised():
    def resolve(host: str, port: int) -> list[str]:
        host.encode("idna")  # what getaddrinfo does first; no lookup is made
        return ["93.184.216.34"]

    with pytest.raises(Refused, match="cannot resolve"):
        resolve_target("https://bad\ud800name.example/", resolve=resolve)
