"""Default and demo data for a fresh database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from madoguchi.privacy.users import Role, hash_password
from madoguchi.store.db import Database
from madoguchi.store.models import Branch, Counter, CounterService, Service, StaffUser


@dataclass(frozen=True)
class ServiceSeed:
    prefix: str
    name: str
    name_en: str
    minutes: int


DEFAULT_SERVICES: tuple[ServiceSeed, ...] = (
    ServiceSeed("A", "住民異動", "Moving in / out", 20),
    ServiceSeed("B", "証明書", "Certificates", 6),
    ServiceSeed("C", "国民健康保険", "National health insurance", 15),
    ServiceSeed("D", "子育て", "Child support", 15),
    ServiceSeed("E", "税", "Tax", 10),
    ServiceSeed("F", "マイナンバーカード", "My Number card", 12),
)

#: demo accounts; their passwords are documented in README.md and only exist in demo mode
DEMO_USERS: tuple[tuple[str, str, Role, str], ...] = (
    ("clerk", "窓口 職員", Role.CLERK, "clerk"),
    ("supervisor", "窓口 係長", Role.SUPERVISOR, "supervisor"),
    ("admin", "情報 管理者", Role.ADMIN, "admin"),
)


def seed_defaults(database: Database, branch_id: str = "honcho", branch_name: str = "本庁舎",
                  counters: int = 0) -> None:
    """Give a fresh database its default services and this PC's branch (idempotent)."""
    with database.session() as session:
        if session.get(Branch, branch_id) is None:
            session.add(Branch(id=branch_id, name=branch_name, name_en=""))
        if session.scalar(select(Service.id).limit(1)) is None:
            for order, seed in enumerate(DEFAULT_SERVICES):
                session.add(Service(prefix=seed.prefix, name=seed.name, name_en=seed.name_en,
                                    sort_order=order, default_service_minutes=seed.minutes))
        session.flush()
        existing = set(session.scalars(select(Counter.number).where(Counter.branch_id == branch_id)))
        services = list(session.scalars(select(Service).order_by(Service.sort_order)))
        for number in range(1, counters + 1):
            if number in existing:
                continue
            counter = Counter(branch_id=branch_id, number=number, name=f"{number}番窓口")
            session.add(counter)
            session.flush()
            # counter 1..n: each handles two neighbouring services so every service is covered
            for service in services[(number - 1) % len(services):][:2] or services[:2]:
                session.add(CounterService(counter_id=counter.id, service_id=service.id))


def seed_demo(database: Database, branch_id: str = "honcho", branch_name: str = "本庁舎") -> None:
    """Defaults plus five counters and the demo accounts."""
    seed_defaults(database, branch_id, branch_name, counters=5)
    with database.session() as session:
        for login, name, role, password in DEMO_USERS:
            if session.scalar(select(StaffUser.id).where(StaffUser.login == login)) is None:
                session.add(StaffUser(login=login, display_name=name, role=role.value,
                                      password_hash=hash_password(password)))
