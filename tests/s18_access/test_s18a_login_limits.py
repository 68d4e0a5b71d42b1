"""Failed logins lock a name out only with the address they came from.

Five failed logins on a name from any address used to lock that name out for 5 minutes
from everywhere: anyone could keep a moderator out of the dashboard by typing its name
five times. Now failures count per address (as before: 5, whatever the names), per name
and address (5), and per name from every address only at ``NAME_LOGIN_LIMIT`` (50).
"""

from __future__ import annotations

import pytest
from s18a_serving import Served

from mutewatch.web.auth import LOGIN_LIMIT, NAME_LOGIN_LIMIT

pytestmark = pytest.mark.server


def test_failures_on_a_name_from_one_address_do_not_lock_it_out_elsewhere(
    limits: Served,
) -> None:
    codes = [limits.login("127.0.18.40", "viewer1", "mw_wrong") for _ in range(LOGIN_LIMIT + 1)]
    assert codes == [401] * LOGIN_LIMIT + [429]
    # the user itself, from its own address, is not locked out
    assert limits.login("127.0.18.41", "viewer1", limits.token("viewer")) == 303


def test_the_name_and_address_that_failed_stay_blocked(limits: Served) -> None:
    for _ in range(LOGIN_LIMIT):
        assert limits.login("127.0.18.42", "analyst1", "mw_wrong") == 401
    # from that address, even the right token is refused until the window has passed
    assert limits.login("127.0.18.42", "analyst1", limits.token("analyst")) == 429
    assert limits.login("127.0.18.43", "analyst1", limits.token("analyst")) == 303


def test_a_name_guessed_at_from_many_addresses_is_blocked_at_the_high_limit(
    limits: Served,
) -> None:
    def guess(n: int) -> int:  # LOGIN_LIMIT - 1 per address: no address is blocked
        return limits.login(f"127.0.19.{n // (LOGIN_LIMIT - 1) + 1}", "moderator1", "mw_wrong")

    assert [guess(n) for n in range(NAME_LOGIN_LIMIT - 1)] == [401] * (NAME_LOGIN_LIMIT - 1)
    # one short of the limit: the user logs in, which does not reset the count
    assert limits.login("127.0.19.200", "moderator1", limits.token("moderator")) == 303
    assert guess(NAME_LOGIN_LIMIT - 1) == 401  # the limit reached
    assert limits.login("127.0.19.201", "moderator1", limits.token("moderator")) == 429
    assert limits.login("127.0.19.201", "admin1", limits.token("admin")) == 303  # that name only
