"""Risk benchmark: training on the 45,519 public KCS rows (target < 120 s), batch scoring 100,000 declarations
(target < 20 s), reassessing 10,000 pending declarations after a rule change on PostgreSQL (target < 10 s), and
one in-request assessment (target well under 10 ms).

    DATABASE_URL=postgres://root@127.0.0.1:5432/ciq_bench_risk .venv/bin/python benchmarks/bench_risk.py

The database is created and migrated if needed; its risk and declaration rows are regenerated on each run.
Prints one line per figure: figure, target, volume, database, machine.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.common import machine  # noqa: E402

DEFAULT_URL = "postgres://root@127.0.0.1:5432/ciq_bench_risk"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ciq_portal.settings.test")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
DATA = Path(os.environ.get("KCS_DATA_DIR", ROOT.parent / "shared" / "data" / "kcs"))
PENDING = 10_000
BATCH = 100_000


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def report(figure, value, target, volume, database):
    print(f"{figure}: {value} | target {target} | volume {volume} | database {database} | machine {machine()}",
          flush=True)


def main():
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    database = f"{connection.vendor} {connection.settings_dict['NAME']}"

    from credit.models import Enterprise
    from declarations.models import Declaration, DeclarationEvent, GoodsLine
    from risk import engine, services
    from risk.batch import score_kcs_rows
    from risk.demo import RULES
    from risk.ml.dataset import read_kcs
    from risk.ml.model import train
    from risk.models import RiskAssessment, RiskBulletin, RiskModel, RiskRule, RiskRuleVersion, RulesetVersion
    from risk.training import train_and_measure
    from tests.factories import make_uscc

    # Clean slate for our rows.
    RiskAssessment.objects.all().delete()
    DeclarationEvent.objects.filter(kind="risk_tier_changed").delete()
    GoodsLine.objects.filter(declaration__number__startswith="BENCHRISK").delete()
    Declaration.objects.filter(number__startswith="BENCHRISK").delete()
    RiskBulletin.objects.all().delete()
    RiskRuleVersion.objects.all().delete()
    RiskRule.objects.all().delete()
    RulesetVersion.objects.all().delete()
    RiskModel.objects.all().delete()

    # 1. Training on the 45k public rows (training + validation files).
    train_rows, train_labels = read_kcs(DATA / "df_syn_train_eng.csv", with_labels=True)
    valid_rows, valid_labels = read_kcs(DATA / "df_syn_valid_eng.csv", with_labels=True)
    rows, labels = train_rows + valid_rows, train_labels + valid_labels
    started = time.perf_counter()
    train(rows, labels)
    report("training the model (LightGBM, 2 threads, out-of-fold encodings)",
           f"{time.perf_counter() - started:.1f} s", "< 120 s", f"{len(rows)} rows", "none (file)")

    result = train_and_measure(train_rows, train_labels, evaluate_rows=valid_rows, evaluate_labels=valid_labels)
    m = result["evaluation"]
    report("precision@1/2/5/10 % and AUC on the validation file",
           f"{m['precision_1']:.3f} / {m['precision_2']:.3f} / {m['precision_5']:.3f} / {m['precision_10']:.3f}, "
           f"AUC {m['auc']:.3f}", "p@5 >= 0.90, p@10 >= 0.85", f"{m['rows']} rows", "none (file)")
    # Reassessment is queued on commit by every rule/model change (run in-process when Celery is eager); here it is
    # run explicitly so that it is timed on its own.
    services._queue_reassessment = lambda reason: None
    model_row = services.model_register(result=result, source="kcs:bench")
    services.model_activate(model=model_row)
    for spec in RULES:
        rule = services.rule_create(actor=None, **spec)
        services.rule_activate(rule=rule, actor=None)
    engine.reset_cache()

    # 2. Batch scoring of 100,000 declarations (KCS rows, repeated) with the active model and rules.
    batch = (valid_rows + train_rows) * (BATCH // len(rows) + 1)
    batch = batch[:BATCH]
    engine.get_engine()  # load the model once, as a long-running process has it
    started = time.perf_counter()
    scores, _ = score_kcs_rows(batch)
    report("batch scoring (model + rules)", f"{time.perf_counter() - started:.1f} s", "< 20 s",
           f"{len(scores)} declarations", "in memory (engine loaded from " + database + ")")

    # 3. 10,000 pending declarations, assessed, then a rule change and the reassessment.
    enterprises = []
    for i in range(50):
        e = Enterprise.objects.filter(uscc=make_uscc(9_000_000 + i)).first() or Enterprise.objects.create(
            uscc=make_uscc(9_000_000 + i), name_zh=f"基准企业{i}", name_en=f"Bench {i}", kind="importer")
        enterprises.append(e)
    now = timezone.now()
    declarations = [Declaration(number=f"BENCHRISK{i:07d}", enterprise=enterprises[i % 50], status="submitted",
                                port_of_entry=r.get("Office ID") or "NGB", departure_country=
                                (r.get("Country of Departure") or "CN")[:2], submitted_at=now)
                    for i, r in enumerate(valid_rows[i % len(valid_rows)] for i in range(PENDING))]
    Declaration.objects.bulk_create(declarations, batch_size=2000)
    ids = dict(Declaration.objects.filter(number__startswith="BENCHRISK").values_list("number", "id"))
    lines = []
    for i in range(PENDING):
        r = valid_rows[i % len(valid_rows)]
        hs = r["HS6 Code"] + "0000"
        if i % 7 == 0:
            hs = "0306170000"
        lines.append(GoodsLine(declaration_id=ids[f"BENCHRISK{i:07d}"], line_no=1, hs_code=hs, description="bench",
                               origin_country=(r.get("Country of Origin") or "CN")[:2], quantity=1, unit="kg",
                               net_weight_kg=float(r["Net Mass"] or 1), value=float(r["Item Price"] or 0)))
    GoodsLine.objects.bulk_create(lines, batch_size=2000)
    started = time.perf_counter()
    first = services.declarations_reassess_pending(reason="bench initial")
    report("initial assessment of pending declarations (model + explanations + rules)",
           f"{time.perf_counter() - started:.1f} s", "(no target)", f"{first['pending']} declarations", database)

    rule = services.rule_create(actor=None, code="bench-vn-shrimp", name="bench",
                                conditions={"all": [{"field": "hs_code", "op": "prefix", "value": ["0306"]}]},
                                add_score=60, force_release_mode="sample")
    services.rule_activate(rule=rule, actor=None)
    started = time.perf_counter()
    counts = services.declarations_reassess_pending(reason="rule bench-vn-shrimp activated")
    report("reassessing pending declarations after a rule change", f"{time.perf_counter() - started:.1f} s",
           "< 10 s", f"{counts['pending']} pending, {counts['reassessed']} reassessed, {counts['moved']} moved tier",
           database)

    # 4. One assessment inside the request (engine cached; includes the stored row). The submit pipeline has the
    # declaration and its enterprise loaded already.
    sample = list(Declaration.objects.filter(number__startswith="BENCHRISK").select_related("enterprise")
                  .order_by("id")[:300])
    services.declaration_assess(declaration=sample[0])
    timings = []
    for d in sample:
        t = time.perf_counter()
        services.declaration_assess(declaration=d)
        timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    report("one assessment in the request (median / p95)",
           f"{statistics.median(timings):.2f} / {timings[int(len(timings) * 0.95)]:.2f} ms", "< 10 ms",
           f"{len(timings)} declarations", database)


if __name__ == "__main__":
    main()
