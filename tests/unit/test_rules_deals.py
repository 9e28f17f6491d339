"""Pre-order and instant-gratification deals: the readiness rules, and `release add-deal --preorder`."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from click.testing import CliRunner

from stardust_tui.cli import cli
from stardust_tui.domain.models import Deal
from stardust_tui.domain.rules import check_release
from tests.unit.test_rules import TODAY, complete_release

RELEASE_DAY = datetime(2024, 5, 1, tzinfo=UTC)


def _deal(start: datetime, end: datetime | None = None, *, preorder: bool = False, territories=("Worldwide",),
          models=("PayAsYouGoModel",), uses=("PermanentDownload",), instant=()) -> Deal:
    return Deal(territories=list(territories), commercial_models=list(models), use_types=list(uses), start=start,
                end=end, is_preorder=preorder, instant_gratification=list(instant))


def _codes(rel) -> dict[str, str]:
    report = check_release(rel, today=TODAY, qc=False)
    return {f.code: f.severity for f in report.errors + report.warnings}


def test_a_well_formed_preorder_passes() -> None:
    rel = complete_release()
    rel.deals += [_deal(RELEASE_DAY), _deal(datetime(2024, 4, 1, tzinfo=UTC), RELEASE_DAY, preorder=True,
                                            instant=["USS1Z2400001"])]
    assert _codes(rel) == {}


def test_preorder_mistakes_each_name_what_to_do() -> None:
    early = datetime(2024, 4, 1, tzinfo=UTC)
    cases = [
        ([_deal(early, RELEASE_DAY, preorder=True)], "preorder-without-release"),  # nothing takes over
        ([_deal(RELEASE_DAY), _deal(datetime(2024, 5, 2, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC),
                                    preorder=True)], "preorder-after-release"),
        ([_deal(RELEASE_DAY), _deal(early, datetime(2024, 6, 1, tzinfo=UTC), preorder=True)], "preorder-past-release"),
        ([_deal(RELEASE_DAY), _deal(early, preorder=True)], "preorder-open-end"),
        ([_deal(RELEASE_DAY), _deal(early, RELEASE_DAY, preorder=True, models=["SubscriptionModel"],
                                    uses=["OnDemandStream"])], "preorder-not-purchase"),
        ([_deal(RELEASE_DAY), _deal(early, RELEASE_DAY, preorder=True, instant=["GBAYE9900001"])],
         "instant-grat-unknown"),
        ([_deal(RELEASE_DAY), _deal(early, RELEASE_DAY, preorder=True,
                                    instant=["USS1Z2400001", "USS1Z2400002", "USS1Z2400003"])], "instant-grat-all"),
        ([_deal(RELEASE_DAY, instant=["USS1Z2400001"])], "instant-grat-not-preorder"),
    ]
    for deals, code in cases:
        rel = complete_release()
        rel.deals += deals
        found = _codes(rel)
        assert code in found, (code, found)
        assert found[code] == ("warning" if code == "preorder-open-end" else "error")


def test_preorder_dates_per_territory_use_that_territorys_release_deal() -> None:
    rel = complete_release()
    rel.deals = [_deal(RELEASE_DAY, territories=["US"]), _deal(datetime(2024, 6, 1, tzinfo=UTC), territories=["JP"]),
                 _deal(datetime(2024, 4, 1, tzinfo=UTC), RELEASE_DAY, preorder=True, territories=["US"]),
                 _deal(datetime(2024, 5, 10, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC), preorder=True,
                       territories=["JP"])]
    rel.deals.append(Deal(territories=["Worldwide"], commercial_models=["SubscriptionModel"],
                          use_types=["OnDemandStream"], start=RELEASE_DAY))
    assert _codes(rel) == {}  # JP's pre-order may run after the US release: JP goes on sale on June 1st


def test_add_deal_preorder_from_the_command_line() -> None:
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    rid = run("release", "create", "--title", "Pre", "--artist", "Ann", "--upc", "4006381333931",
              "--date", "2026-03-01").output.strip()
    run("release", "add-track", rid, "--title", "One", "--isrc", "GBAYE2600001")
    run("release", "add-track", rid, "--title", "Two", "--isrc", "GBAYE2600002")
    assert run("release", "add-deal", rid, "--model", "PayAsYouGoModel", "--use-type", "PermanentDownload",
               "--start", "2026-03-01").exit_code == 0
    ok = run("release", "add-deal", rid, "--preorder", "--start", "2026-02-01", "--instant-grat", "GB-AYE-26-00001",
             "--territory", "US")
    assert ok.exit_code == 0, ok.output
    deal = json.loads(run("release", "show", rid, "--json").output)["deals"][-1]
    assert deal["is_preorder"] is True and deal["instant_gratification"] == ["GBAYE2600001"]
    assert deal["commercial_models"] == ["PayAsYouGoModel"] and deal["use_types"] == ["PermanentDownload"]
    assert deal["end"].startswith("2026-03-01")  # ends when the release comes out
    for args, message in [(("--preorder",), "a pre-order needs --start"),
                          (("--instant-grat", "GBAYE2600001"), "belong on a pre-order deal"),
                          (("--preorder", "--start", "2026-01-01", "--instant-grat", "GBAYE2699999"),
                           "GBAYE2699999 is not the ISRC of a track")]:
        bad = run("release", "add-deal", rid, *args)
        assert bad.exit_code != 0 and message in bad.output and bad.output.count("\n") == 1, bad.output
