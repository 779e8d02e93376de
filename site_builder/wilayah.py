"""The region list ``content/_data/wilayah.yml`` generated from a Kemendagri code CSV (``pokja wilayah``).

The CSV has the columns ``kode,nama,tingkat,kode_provinsi`` (tingkat: provinsi, kabupaten, kota), as
the vendored ``site_builder/data/wilayah/wilayah-kepmendagri-2025.csv``; the next decree is one command.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data" / "wilayah"
DEFAULT_CSV = DATA_DIR / "wilayah-kepmendagri-2025.csv"
DEFAULT_SOURCE = (
    "Kepmendagri No. 300.2.2-2138 Tahun 2025 (Pemberian dan Pemutakhiran Kode, Data Wilayah Administrasi "
    "Pemerintahan, dan Pulau), melalui repositori cahyadsn/wilayah (MIT)"
)
COLUMNS = ("kode", "nama", "tingkat", "kode_provinsi")
_PROVINCE = re.compile(r"^\d{2}$")
_DISTRICT = re.compile(r"^\d{2}\.\d{2}$")


class WilayahError(ValueError):
    """A CSV that is not of the expected shape (the message names the line)."""


def read_csv(path: Path) -> list[dict[str, object]]:
    """Provinces in code order, each with its districts in code order; raises WilayahError."""
    provinces: dict[str, dict[str, object]] = {}
    districts: list[tuple[int, dict[str, str]]] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise WilayahError(f"{path}:1: kolom tidak ada: {', '.join(missing)}")
        for line, row in enumerate(reader, start=2):
            code, name, level = (row["kode"] or "").strip(), (row["nama"] or "").strip(), (row["tingkat"] or "").strip()
            if not name:
                raise WilayahError(f"{path}:{line}: nama kosong")
            if level == "provinsi" and _PROVINCE.match(code):
                provinces[code] = {"code": code, "name": name, "districts": []}
            elif level in ("kabupaten", "kota") and _DISTRICT.match(code):
                districts.append((line, {"code": code, "name": name, "province": (row["kode_provinsi"] or "").strip()}))
            else:
                raise WilayahError(f"{path}:{line}: kode {code!r} tidak cocok dengan tingkat {level!r}")
    for line, dist in districts:
        prov = provinces.get(dist["code"][:2])
        if prov is None or dist["province"] != dist["code"][:2]:
            raise WilayahError(f"{path}:{line}: kabupaten/kota {dist['code']} tanpa provinsi {dist['province']}")
        prov["districts"].append({"code": dist["code"], "name": dist["name"]})  # type: ignore[union-attr]
    for prov in provinces.values():
        prov["districts"].sort(key=lambda d: d["code"])  # type: ignore[union-attr]
    return [provinces[c] for c in sorted(provinces)]


def _q(text: str) -> str:
    """A YAML double-quoted scalar (names may hold apostrophes, codes must stay text)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_yaml(provinces: list[dict[str, object]], source: str = DEFAULT_SOURCE) -> str:
    """The text of ``wilayah.yml``: a header naming decree, source and licence, then every region."""
    n_dist = sum(len(p["districts"]) for p in provinces)  # type: ignore[arg-type]
    lines = [
        f"# Wilayah administrasi: {len(provinces)} provinsi dan {n_dist} kabupaten/kota dengan kode Kemendagri.",
        "# Sumber: Keputusan Menteri Dalam Negeri No. 300.2.2-2138 Tahun 2025 tentang Pemberian dan",
        "# Pemutakhiran Kode, Data Wilayah Administrasi Pemerintahan, dan Pulau; data dari tabel `wilayah`",
        "# repositori cahyadsn/wilayah (commit b7ad440a), lisensi MIT (c) 2017-2025 Cahya DSN,",
        "# teks lisensi: site_builder/data/wilayah/LICENSE-wilayah.",
        "# Berkas ini dibuat oleh `pokja wilayah` dari site_builder/data/wilayah/wilayah-kepmendagri-2025.csv;",
        "# jangan disunting dengan tangan: jalankan perintah itu lagi dengan CSV keputusan berikutnya.",
        f"source: {_q(source)}",
        'national: {code: "00", name: Nasional}',
        "provinces:",
    ]
    for prov in provinces:
        lines.append(f'  - code: "{prov["code"]}"')
        lines.append(f"    name: {_q(str(prov['name']))}")
        if prov["districts"]:
            lines.append("    districts:")
            lines.extend(f'      - {{code: "{d["code"]}", name: {_q(d["name"])}}}' for d in prov["districts"])  # type: ignore[attr-defined]
    return "\n".join(lines) + "\n"
