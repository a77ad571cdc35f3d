"""Which regions exist, and where a service is offered, from botocore's endpoint data
(shipped inside the package: no network). For `--self-test`: `aws.region = "us-east-9"`
is a typo the kiosk can point out before any call fails."""

from __future__ import annotations

import functools


@functools.cache
def known_regions() -> frozenset[str]:
    """Every region of every partition botocore's endpoint data names."""
    import botocore.session

    data = botocore.session.get_session().get_data("endpoints")
    return frozenset(region for partition in data.get("partitions", ())
                     for region in partition.get("regions", {}))


@functools.cache
def service_regions(service: str) -> frozenset[str]:
    """The regions where botocore's endpoint data offers `service` (e.g. personalize)."""
    import botocore.session

    session = botocore.session.get_session()
    return frozenset(region for partition in session.get_available_partitions()
                     for region in session.get_available_regions(service, partition))
