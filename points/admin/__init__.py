"""Admin screens of the points app: earning rules, rewards, the counter, the ledger.

Balances change only through the services (``points_adjust``, ``voucher_fulfil``): the
admin shows the ledger and offers those services as forms, scoped to the staff member's
communities.
"""

from points.admin import awards, ledger, rewards  # noqa: F401 - registers the model admins
