"""Demo accounts for every role except declarants (credit/demo.py adds those with their enterprises)."""

from .roles import Role
from .services import roles_sync, user_ensure

STAFF_USERS = [
    ("officer1", Role.OFFICER, "伟", "王"),
    ("officer2", Role.OFFICER, "芳", "李"),
    ("officer3", Role.OFFICER, "强", "张"),
    ("analyst", Role.RISK_ANALYST, "敏", "刘"),
    ("supervisor", Role.SUPERVISOR, "静", "陈"),
    ("agency_customs", Role.PARTNER_AGENCY, "Customs", "Ningbo"),
    ("admin", Role.ADMINISTRATOR, "Admin", ""),
]


def seed(*, password: str, stdout) -> None:
    roles_sync()
    for username, role, first_name, last_name in STAFF_USERS:
        user_ensure(username=username, password=password, role=role, first_name=first_name, last_name=last_name)
    stdout.write(f"  users: {', '.join(u for u, *_ in STAFF_USERS)}")
