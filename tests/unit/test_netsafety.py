"""Which addresses outbound requests to caller-given URLs may reach (logos, webhook endpoints)."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from invoicing.core.netsafety import NonPublicAddress, check_public_host, is_public

NOT_PUBLIC = [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",
    "240.0.0.1",  # reserved
    "224.0.0.1",  # multicast
    "::1",
    "fe80::1",
    "fd00::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "::7f00:1",  # IPv4-compatible loopback
]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_non_public_addresses(address):
    assert not is_public(ipaddress.ip_address(address))
    with pytest.raises(NonPublicAddress):
        asyncio.run(check_public_host(address, 443))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"])
def test_public_addresses(address):
    assert is_public(ipaddress.ip_address(address))
    asyncio.run(check_public_host(address, 443))  # a literal: nothing to resolve


def test_a_name_is_judged_by_what_it_resolves_to():
    with pytest.raises(NonPublicAddress, match="resolves"):
        asyncio.run(check_public_host("localhost", 80))
