"""`linli connect import|match|behind|remind`: the operator imports the sheets and matches;
bad rows are reported by line and stop the import; others may not run it."""

import json

import pytest
from django.core.management import CommandError, call_command

from linli.connect.models import MatchRun, Participant

from .conftest import sheet


def run(*args) -> str:
    import io

    out = io.StringIO()
    call_command("connect", *args, stdout=out)
    return out.getvalue()


def test_import_and_match_from_the_command_line(world, tmp_path):
    good = tmp_path / "p.csv"
    good.write_bytes(
        sheet([["工号", "姓名", "部门", "纬度", "经度"], ["K1", "孔明", "采购部", 31.23, 121.47]])
    )
    said = run("import", "participants", str(good), "--programme", str(world.programme.pk),
               "--as", world.runner.username)  # fmt: skip
    assert "1 added" in said
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        sheet([["工号", "姓名", "部门", "纬度", "经度"], ["K2", "", "采购部", 31.2, 121.4]])
    )
    with pytest.raises(CommandError, match="line 2, name"):
        run("import", "participants", str(bad), "--programme", str(world.programme.pk),
            "--as", world.runner.username)  # fmt: skip
    assert not Participant.objects.filter(staff_no="K2").exists()
    report = json.loads(
        run("match", str(world.programme.pk), "--json", "--as", world.runner.username)
    )
    assert report["flow"]["placed"] == 4 and report["gap"] == 0.0
    assert report["run"] == MatchRun.objects.get().pk
    table = run("match", str(world.programme.pk), "--as", world.runner.username)
    assert "min-cost flow" in table and "greedy" in table
    second = MatchRun.objects.first()
    assert (
        f"relaxation; flow passes {second.report['passes']}; variety within the run "
        f"{second.report['variety']}" in table
    )
    assert report["method"] == "relaxation" and report["long"] == {}
    assert "K1" in run("behind", str(world.programme.pk), "--as", world.runner.username)
    assert "reminders" in run("remind")


def test_only_runners(world, hood):
    with pytest.raises(CommandError):
        run("match", str(world.programme.pk), "--as", hood.operator.username)
