"""A synthetic corpus of valid documents of every type, for the benchmarks (deterministic for a seed)."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"

WORDS = (
    "perumahan permukiman kawasan kumuh rumah layak huni pembangunan penyediaan masyarakat berpenghasilan "
    "rendah koordinasi pemangku kepentingan pemerintah daerah provinsi kabupaten kota program rencana "
    "pembiayaan swadaya bantuan stimulan sertifikat tanah tata ruang infrastruktur sanitasi air minum drainase "
    "jalan lingkungan peningkatan kualitas pencegahan pengawasan evaluasi pendataan pelatihan kapasitas"
).split()
TYPES = ("pedoman", "pembelajaran", "modul", "program", "keputusan", "profil")


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _meta(doc_type: str, i: int, rng: random.Random, provinces: list[str], districts: dict[str, list[str]]) -> dict:
    province = rng.choice(provinces)
    meta: dict = {
        "title": f"{_sentence(rng, 5)[:-1]} {i}",
        "summary": _sentence(rng, 18),
        "date": dt.date(2020 + i % 6, 1 + i % 12, 1 + i % 28),
        "tags": rng.sample(["koordinasi", "perencanaan", "rtlh", "permukiman-kumuh", "pembiayaan", "mbr"], 2),
        "region": [province],
        "example": True,
    }
    if doc_type == "pedoman":
        meta |= {"issuer": "Kementerian PKP", "status": "berlaku", "legal_basis": ["PP No. 14 Tahun 2016"]}
    elif doc_type == "pembelajaran":
        meta |= {"contributor": {"name": f"Anggota {i}"}, "stakeholder_group": "penerima"}
    elif doc_type == "modul":
        meta |= {
            "objectives": [_sentence(rng, 6)],
            "audience": ["Anggota Pokja"],
            "level": "dasar",
            "duration_minutes": 90,
            "sessions": [{"title": "Pengantar", "minutes": 90, "method": "diskusi"}],
        }
    elif doc_type == "program":
        region = rng.choice(districts.get(province) or [province])
        meta |= {
            "period": {"start": 2024, "end": 2025},
            "lead_agency": "Dinas Perkim",
            "status": "berjalan",
            "targets": [
                {"indicator": "rtlh-ditangani", "region": region, "year": year, "target": 100, "realization": 70}
                for year in (2024, 2025)
            ],
            "alignment": ["rpjmd"],
        }
    elif doc_type == "keputusan":
        meta |= {
            "meeting": {"kind": "koordinasi", "place": "Aula Bappeda"},
            "decisions": [{"no": 1, "text": _sentence(rng, 10), "status": "terbuka", "due": dt.date(2026, 12, 1)}],
        }
    elif doc_type == "profil":
        meta |= {
            "level": "provinsi",
            "sk": {"number": f"050/{i}/2024", "date": dt.date(2024, 1, 2), "issuer": "Gubernur"},
            "members": [{"role": "ketua", "institution": "Bappeda", "stakeholder_group": "regulator"}],
        }
    return meta


def generate(root: Path, n: int, seed: int = 1) -> Path:
    """Write ``n`` valid documents spread over every type under ``root`` (a fresh content tree)."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(CONTENT / "_schemas", root / "_schemas")
    shutil.copytree(CONTENT / "_data", root / "_data")
    wilayah = yaml.safe_load((root / "_data" / "wilayah.yml").read_text(encoding="utf-8"))
    provinces = [p["code"] for p in wilayah["provinces"]]
    districts = {p["code"]: [d["code"] for d in p.get("districts") or []] for p in wilayah["provinces"]}
    for i in range(n):
        doc_type = TYPES[i % len(TYPES)]
        meta = _meta(doc_type, i, rng, provinces, districts)
        body = "\n\n".join(f"## Bagian {k}\n\n{_sentence(rng, 60)}" for k in range(1, 4))
        path = root / doc_type / f"dokumen-{doc_type}-{i:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        path.write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")
    return root
