"""/ready's asset-store check when the assets live in a bucket (issue 11 with issue 12's store): the probe
asks the bucket itself (HEAD bucket with the stored credentials, no object written), so a wrong secret or
a missing bucket makes the process not ready, naming why, instead of testing an unused local folder."""

from __future__ import annotations

import os

from servers import S3_KEY, S3_SECRET, S3Server
from sqlalchemy.engine import Engine

from stardust_tui.assets.store_config import parse_store_url, save_credentials
from stardust_tui.config import Settings, load_settings
from stardust_tui.services import Services
from stardust_tui.services.actor import Actor


def _asset_check(settings: Settings, engine: Engine):
    checks = Services(settings=settings, engine_source=engine, actor=Actor("probe")).health.checks()
    return next(c for c in checks if c.name == "asset_store")


def test_ready_asks_the_bucket(rclone_s3: S3Server, settings: Settings, sqlite_engine: Engine) -> None:
    name = f"ready-{os.getpid()}-{abs(hash(str(settings.paths.data_dir))) % 10**8}"
    rclone_s3.client().create_bucket(Bucket=name)
    url = f"s3://{name}/store?endpoint={rclone_s3.endpoint}&region=us-east-1"
    settings.paths.config_file.write_text(f'[assets]\nurl = "{url}"\n', encoding="utf-8")
    bucket = load_settings()
    spec = parse_store_url(url)
    save_credentials(bucket.paths, sqlite_engine, spec,  # type: ignore[arg-type]
                     {"aws_access_key_id": S3_KEY, "aws_secret_access_key": S3_SECRET})
    ok = _asset_check(bucket, sqlite_engine)
    assert ok.ok and "bucket reachable" in ok.detail and name in ok.detail, ok
    assert not list(bucket.paths.assets_dir.glob(".ready-*"))

    save_credentials(bucket.paths, sqlite_engine, spec,  # type: ignore[arg-type]
                     {"aws_access_key_id": S3_KEY, "aws_secret_access_key": "wrong-" + S3_SECRET})
    wrong = _asset_check(bucket, sqlite_engine)
    assert not wrong.ok and "stardust asset credentials" in wrong.detail and "wrong-" not in wrong.detail, wrong

    gone = url.replace(f"s3://{name}/", f"s3://{name}-missing/")
    settings.paths.config_file.write_text(f'[assets]\nurl = "{gone}"\n', encoding="utf-8")
    missing = load_settings()
    save_credentials(missing.paths, sqlite_engine, parse_store_url(gone),  # type: ignore[arg-type]
                     {"aws_access_key_id": S3_KEY, "aws_secret_access_key": S3_SECRET})
    absent = _asset_check(missing, sqlite_engine)
    assert not absent.ok and "404" in absent.detail and "-missing/" in absent.detail, absent
