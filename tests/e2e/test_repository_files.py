"""The container files stay valid (no Docker engine runs here, so check what can be checked)."""
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_file_parses_and_serves_the_sandbox_on_4566_with_a_data_volume():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    sandbox = compose["services"]["sandbox"]
    assert "127.0.0.1:4566:4566" in sandbox["ports"]
    assert any(volume.endswith(":/data") for volume in sandbox["volumes"])
    assert sandbox["command"][:3] == ["serve", "--host", "0.0.0.0"]
    assert "sandbox-data" in compose["volumes"]


def test_dockerfile_builds_on_the_official_swift_image_and_runs_serve():
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    froms = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert froms[0].startswith("swift:") and froms[-1].startswith("debian:")
    assert 'ENTRYPOINT ["mesh-sandbox"]' in lines
    assert any(line.startswith("EXPOSE 4566") for line in lines)
