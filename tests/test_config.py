import pytest

from audit.config import resolve
from audit.errors import UsageError


def test_precedence_cli_over_env_over_file(tmp_path):
    cfg_file = tmp_path / "audit.toml"
    cfg_file.write_text('select = ["GRB"]\nignore = ["GRB007"]\nmax-size = "1MiB"\n')
    cfg = resolve(config_path=str(cfg_file), env={"AUDIT_IGNORE": "DUP"}, cli={"select": ["NUM"]})
    assert cfg.select == ("NUM",) and cfg.origins["select"] == "command line"
    assert cfg.ignore == ("DUP",) and cfg.origins["ignore"] == "environment AUDIT_IGNORE"
    assert cfg.max_bytes == 1 << 20 and cfg.origins["max-size"] == str(cfg_file)


def test_pyproject_table(tmp_path):
    p = tmp_path / "pyproject.toml"
    p.write_text('[tool.audit]\nseverity = { CON001 = "major" }\n')
    assert resolve(config_path=str(p), env={}).severity == {"CON001": "major"}


@pytest.mark.parametrize(
    "content,needle",
    [
        ('selct = ["GRB"]', "did you mean 'select'"),
        ('select = ["GRX001"]', "unknown check code"),
        ('severity = { GRB001 = "huge" }', "critical, major or minor"),
        ("select = [", "invalid TOML"),
        ('select = "GRB"', "should be a list"),
    ],
)
def test_bad_configuration_names_its_origin(tmp_path, content, needle):
    p = tmp_path / "audit.toml"
    p.write_text(content)
    with pytest.raises(UsageError, match=needle) as info:
        resolve(config_path=str(p), env={})
    assert str(p) in str(info.value)


def test_audit_config_shows_every_key_with_its_origin(cli, tmp_path, monkeypatch):
    (tmp_path / "audit.toml").write_text('gates = ["critical==0"]\ncomet = "models/kiwi"\n', encoding="utf-8")
    monkeypatch.setenv("AUDIT_BASELINE", "ci/baseline.json")
    r = cli("config")
    assert r.code == 0
    lines = {line.split(" = ")[0]: line for line in r.out.splitlines()}
    from audit.config import Config

    assert set(lines) == set(Config().describe())  # every key, including embedder, comet, gates, baseline
    assert lines["gates"] == "gates = ['critical==0']  # " + str(tmp_path / "audit.toml")
    assert lines["comet"].endswith("audit.toml") and "'models/kiwi'" in lines["comet"]
    assert lines["baseline"] == "baseline = 'ci/baseline.json'  # environment AUDIT_BASELINE"
    assert lines["embedder"] == "embedder = 'use'  # default"
