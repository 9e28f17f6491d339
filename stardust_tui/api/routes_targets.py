"""``/targets``: list, show, add, change, remove, test the connection, recent ACKs — through
:class:`~stardust_tui.services.targets.TargetService`. Secrets (password, tokens, keys, the ACK token) are
write-only: requests may set or clear them, responses only say which are set.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from stardust_tui.api import fields as F
from stardust_tui.api.deps import Svc
from stardust_tui.api.schemas import PROBLEM_RESPONSES, TargetModel
from stardust_tui.domain import limits as L
from stardust_tui.jsonable import jsonable

router = APIRouter(prefix="/targets", tags=["targets"], responses=PROBLEM_RESPONSES)
Secret = Annotated[str, *F.text_rules(L.SECRET_VALUE)]


class TargetCreate(BaseModel):
    """The fields of ``stardust target add``; ``password`` and ``secrets`` are stored encrypted, never shown."""

    name: F.TargetName
    url: Annotated[str, *F.text_rules(L.TARGET["url"], required=True)]
    profile: Annotated[str, *F.text_rules(L.TARGET["profile"], required=True)] = "generic-43"
    password: Secret | None = Field(default=None, json_schema_extra={"writeOnly": True})
    secrets: dict[Annotated[str, *F.text_rules(64, required=True)], Secret] = Field(
        default_factory=dict, max_length=20, json_schema_extra={"writeOnly": True},
        description="Transport secrets by name (aws_secret_access_key, token, ack_token, …)")
    key_file: Annotated[str, *F.text_rules(L.TARGET["key_file"])] | None = None
    known_hosts: Annotated[str, *F.text_rules(L.TARGET["known_hosts_file"])] | None = None
    host_key: Annotated[str, *F.text_rules(L.TARGET["host_key"])] | None = None
    trust_unknown_host: bool = False
    max_concurrency: F.Concurrency = 2
    enabled: bool = True


class TargetPatch(BaseModel):
    """The fields of ``stardust target edit`` (absent = unchanged); a secret set to "" or null is removed."""

    rename: F.TargetName | None = None
    url: Annotated[str, *F.text_rules(L.TARGET["url"], required=True)] | None = None
    profile: Annotated[str, *F.text_rules(L.TARGET["profile"], required=True)] | None = None
    password: Secret | None = Field(default=None, json_schema_extra={"writeOnly": True})
    secrets: dict[Annotated[str, *F.text_rules(64, required=True)], Secret | None] | None = Field(
        default=None, max_length=20, json_schema_extra={"writeOnly": True})
    key_file: Annotated[str, *F.text_rules(L.TARGET["key_file"])] | None = None
    known_hosts: Annotated[str, *F.text_rules(L.TARGET["known_hosts_file"])] | None = None
    host_key: Annotated[str, *F.text_rules(L.TARGET["host_key"])] | None = None
    trust_unknown_host: bool | None = None
    max_concurrency: F.Concurrency | None = None
    enabled: bool | None = None


def _detail(svc: Svc, ref: str | int) -> dict[str, Any]:
    d = svc.targets.show(ref)
    return {**jsonable(d.target), "secrets_set": d.secrets_set, "last_ack_poll_at": jsonable(d.last_ack_poll_at),
            "releases_by_status": d.releases_by_status}


@router.get("", response_model=list[TargetModel], summary="Targets with profile, enabled flag and circuit")
def list_targets(svc: Svc) -> Any:
    return jsonable(svc.targets.list())


@router.post("", status_code=201, response_model=TargetModel, summary="Add a target (admin)")
def add_target(body: TargetCreate, svc: Svc, response: Response) -> Any:
    from stardust_tui.services.targets import parse_secret_pairs

    secrets = parse_secret_pairs([f"{k}={v}" for k, v in body.secrets.items()])
    row = svc.targets.add(name=body.name, url=body.url, profile=body.profile, password=body.password,
                          secrets=secrets, key_file=body.key_file, known_hosts=body.known_hosts,
                          host_key=body.host_key, trust_unknown_host=body.trust_unknown_host,
                          max_concurrency=body.max_concurrency, enabled=body.enabled)
    response.headers["Location"] = f"/targets/{row.name}"
    return _detail(svc, row.id)


@router.get("/{ref}", response_model=TargetModel, summary="One target: settings, which secrets are set")
def show_target(ref: F.TargetRef, svc: Svc) -> Any:
    return _detail(svc, ref)


@router.patch("/{ref}", response_model=TargetModel, summary="Change a target (admin)")
def edit_target(ref: F.TargetRef, body: TargetPatch, svc: Svc) -> Any:
    from stardust_tui.services.targets import parse_secret_pairs

    values = body.model_dump(exclude_unset=True)
    secrets = values.pop("secrets", None)
    if secrets:
        parse_secret_pairs([f"{k}=x" for k in secrets])  # known secret names only, as the CLI
    row = svc.targets.edit(ref, secrets=secrets, **values)
    return _detail(svc, row.id)


@router.delete("/{ref}", status_code=204, summary="Remove a target without delivery history (admin)")
def remove_target(ref: F.TargetRef, svc: Svc) -> Response:
    svc.targets.remove(ref)
    return Response(status_code=204)


@router.post("/{ref}/test", summary="Connect, list, write and remove a probe file (and list the ACK folder)")
async def test_target(ref: F.TargetRef, svc: Svc) -> dict[str, Any]:
    steps: list[dict[str, Any]] = []
    ok = await svc.targets.test(ref, lambda step, passed, detail: steps.append(
        {"step": step, "ok": passed, "detail": detail}))
    return {"ok": ok, "steps": steps}


@router.get("/{ref}/acks", summary="The most recent ACKs recorded for a target")
def acks(ref: F.TargetRef, svc: Svc, limit: Annotated[int, Query(ge=1, le=500)] = 20) -> list[dict[str, Any]]:
    return jsonable(svc.targets.acks(ref, limit=limit))
