"""The client's network address, one rule for every limit that counts senders (the public
self-nomination form, login throttling): which address, and which block of addresses counts
as one sender."""

import ipaddress

from django.conf import settings

# The block one sender is counted by. An IPv6 /64 is what one line or one host is given, and
# its owner picks any address in it at will. In IPv4 the address itself: a /24 would lump
# whole offices and mobile operators' shared addresses together, and IPv4 addresses are scarce
# enough that a sender does not hold many.
IPV4_SENDER_PREFIX = 32
IPV6_SENDER_PREFIX = 64


def client_address(request) -> str:
    """The client's network address: the proxy's header where one is configured
    (KUNSKAPSNAV_SENDER_ADDRESS_HEADER), else the connection's. Without the setting a header
    is never read, so a client cannot pass for another by sending one."""
    header = settings.SENDER_ADDRESS_HEADER
    if header:
        forwarded = request.headers.get(header, "")
        # A list of addresses (X-Forwarded-For): the proxy appends the client's last.
        address = forwarded.split(",")[-1].strip()
        if address:
            return address
    return request.META.get("REMOTE_ADDR") or ""


def address_block(address: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """The network block the address belongs to, as limits count senders: the IPv4 address
    (an IPv4 address written as IPv6, ::ffff:a.b.c.d, too) or the IPv6 /64, without a zone
    (%eth0). None for something that is no address at all."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 4:
        return ipaddress.IPv4Network((int(ip), IPV4_SENDER_PREFIX), strict=False)
    return ipaddress.IPv6Network((int(ip), IPV6_SENDER_PREFIX), strict=False)
